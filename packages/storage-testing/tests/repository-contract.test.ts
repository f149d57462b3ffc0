// The promises the repository makes to a new user and to CI, checked where
// they are written down: the README's install command works with whatever
// pnpm 10 the registry serves (no packageManager pin that pnpm would try to
// switch to), CI installs pnpm with that same command and fails when a
// promised server is missing, and `pnpm test` ends with the tests per engine.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');
const rootPackage = JSON.parse(read('package.json')) as {
  packageManager?: string;
  devEngines?: { packageManager?: { name: string; version: string; onFail?: string } };
  scripts: Record<string, string>;
};

/** The shell blocks of the README's "Quick start" section, in order. */
function quickStartCommands(): string[] {
  const readme = read('README.md');
  const section = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('\n## ', readme.indexOf('## Quick start') + 1));
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
}

/** Whether a `>=A.B.C <D.E.F` range admits the version (the only form the repo uses). */
function admits(range: string, version: string): boolean {
  const parse = (v: string) => v.split('.').map(Number) as [number, number, number];
  const compare = (a: number[], b: number[]) => a.reduce((d, x, i) => d || x - (b[i] ?? 0), 0);
  const match = /^>=(\d+\.\d+\.\d+) <(\d+\.\d+\.\d+)$/.exec(range);
  if (!match) throw new Error(`unexpected range ${range}`);
  return compare(parse(version), parse(match[1]!)) >= 0 && compare(parse(version), parse(match[2]!)) < 0;
}

describe('the README contract', () => {
  it('gives two commands: install-and-start, then pnpm test', () => {
    const commands = quickStartCommands();
    expect(commands).toHaveLength(2);
    expect(commands[0]).toBe('npm i -g pnpm@10 && pnpm install && pnpm start');
    expect(commands[1]).toBe('pnpm test');
  });

  it('pins no pnpm version that pnpm would try to switch to, and accepts every pnpm 10', () => {
    expect(rootPackage.packageManager).toBeUndefined();
    const wanted = rootPackage.devEngines?.packageManager;
    expect(wanted?.name).toBe('pnpm');
    expect(wanted?.onFail).not.toBe('download');
    for (const version of ['10.0.0', '10.34.8', '10.34.9', '10.99.0']) expect([version, admits(wanted!.version, version)]).toEqual([version, true]);
    for (const version of ['9.15.0', '11.0.0']) expect([version, admits(wanted!.version, version)]).toEqual([version, false]);
  });

  it('has CI install pnpm with the README command, not a version of its own', () => {
    const ci = read('.ci/run');
    const readmeInstall = quickStartCommands()[0]!.split('&&')[0]!.trim();
    expect(ci.split('\n')).toContain(readmeInstall);
    expect(ci).not.toMatch(/pnpm@10\.\d+/);
    expect(ci.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#')).at(-1)).toBe(quickStartCommands()[1]);
  });

  it('has docker-compose install pnpm the same way, with no version of its own', () => {
    const compose = read('docker-compose.yml');
    expect(compose).toContain('npm i -g pnpm@10 ');
    expect(compose).not.toMatch(/pnpm@10\.\d+/);
  });

  it('has CI fail, not warn, when a promised server does not answer', () => {
    const ci = read('.ci/run');
    expect(ci).toMatch(/pg_answers \|\| fail /);
    expect(ci).toMatch(/timescaledb-server\.sh up\)" \|\| fail /);
    expect(ci).toContain('export TEST_TIMESCALEDB_URL=');
    expect(ci).not.toMatch(/WARNING: PostgreSQL/);
  });

  it('makes pnpm test print the tests per engine from the runner reports', () => {
    expect(rootPackage.scripts.test).toBe('node scripts/run-tests.mjs');
    expect(read('scripts/run-tests.mjs')).toContain('scripts/test-summary.mjs'.split('/').pop());
  });
});
