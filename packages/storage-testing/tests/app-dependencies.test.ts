// Apps depend on packages, never on each other, and nothing loads the test
// package at run time: every apps/* package.json (and every library package)
// is read here, and so is every run-time source file's import list.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

function manifests(folder: 'apps' | 'packages'): Array<{ dir: string; manifest: Manifest }> {
  return readdirSync(path.join(repoRoot, folder))
    .map((name) => path.join(repoRoot, folder, name))
    .filter((dir) => statSync(path.join(dir, 'package.json'), { throwIfNoEntry: false })?.isFile())
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest }));
}

function sourceFiles(dir: string): string[] {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(full);
    return /\.(ts|mts|js)$/.test(entry.name) ? [full] : [];
  });
}

function importedPackages(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(@ag\/[a-z-]+)/g)].map((m) => m[1]!);
}

const apps = manifests('apps');
const appNames = new Set(apps.map((a) => a.manifest.name));
const libraries = manifests('packages');

describe('apps depend on packages, not on each other', () => {
  it('finds the three apps', () => {
    expect([...appNames].sort()).toEqual(['@ag/api', '@ag/bot-sim', '@ag/cli']);
  });

  it.each(apps.map((a) => [a.manifest.name, a.manifest] as const))('%s depends on no other app', (name, manifest) => {
    const all = { ...manifest.dependencies, ...manifest.devDependencies, ...manifest.peerDependencies };
    expect(Object.keys(all).filter((dep) => appNames.has(dep) && dep !== name)).toEqual([]);
  });

  it.each(apps.map((a) => [a.manifest.name, a.manifest] as const))('%s has @ag/storage-testing in devDependencies only', (_name, manifest) => {
    expect(Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })).not.toContain('@ag/storage-testing');
  });

  it.each(libraries.map((l) => [l.manifest.name, l.manifest] as const))('library %s depends on no app', (_name, manifest) => {
    const all = { ...manifest.dependencies, ...manifest.devDependencies, ...manifest.peerDependencies };
    expect(Object.keys(all).filter((dep) => appNames.has(dep))).toEqual([]);
  });

  it('no run-time source of an app or a library package imports an app, nor an app @ag/storage-testing', () => {
    const offenders: string[] = [];
    for (const { dir, manifest } of [...apps, ...libraries]) {
      const isApp = appNames.has(manifest.name);
      for (const file of sourceFiles(path.join(dir, 'src'))) {
        for (const imported of importedPackages(file)) {
          if ((appNames.has(imported) && imported !== manifest.name) || (isApp && imported === '@ag/storage-testing')) {
            offenders.push(`${path.relative(repoRoot, file)} imports ${imported}`);
          }
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('would catch an app that imports another (the check reads real imports)', () => {
    const serve = path.join(repoRoot, 'apps/cli/src/commands/serve.ts');
    expect(importedPackages(serve)).toEqual(expect.arrayContaining(['@ag/storage-http', '@ag/storage-services']));
  });
});
