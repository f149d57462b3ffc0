// The ag-storage command line on every engine: migrate up/status/down,
// health, and errors with non-zero exit codes.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabaseUrl, describeEachEngine, type TestDatabaseUrl } from '@ag/storage-testing';
import { defaultMigrationsDirectory, readMigrationFiles } from '@ag/storage-core';
import { runCli } from './support/run-cli.js';

const MIGRATION_COUNT = readMigrationFiles(defaultMigrationsDirectory()).length;

const run = (args: string[]) => runCli(args);

describeEachEngine('ag-storage migrate and health', ({ engine, adminUrl }) => {
  let url: string;
  let database: TestDatabaseUrl | undefined;

  beforeAll(async () => {
    database = await createTestDatabaseUrl({ engine, adminUrl });
    url = database.url;
  });
  afterAll(async () => database?.drop());

  it('applies migrations, then reports nothing to apply', async () => {
    const first = await run(['--url', url, 'migrate', 'up']);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(new RegExp(`applied ${MIGRATION_COUNT} migration\\(s\\)`));
    const second = await run(['--url', url, 'migrate']);
    expect(second.out).toMatch(new RegExp(`nothing to apply \\(${MIGRATION_COUNT} already applied\\)`));
  });

  it('lists migration status', async () => {
    const { code, out } = await run(['--url', url, 'migrate', 'status']);
    expect(code).toBe(0);
    expect(out.match(/^applied /gm)).toHaveLength(MIGRATION_COUNT);
    expect(out).toContain('20261123000400_views');
  });

  it('rolls back with down --steps and re-applies', async () => {
    const down = await run(['--url', url, 'migrate', 'down', '--steps', '2']);
    expect(down.code).toBe(0);
    expect(down.out).toMatch(/rolled back 2 migration\(s\)/);
    expect((await run(['--url', url, 'migrate', 'status'])).out.match(/^pending /gm)).toHaveLength(2);
    expect((await run(['--url', url, 'migrate', 'up'])).out).toMatch(/applied 2 migration\(s\)/);
  });

  it('prints health as text and as JSON', async () => {
    const text = await run(['--url', url, 'health']);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/status\s+ok/);
    const json = JSON.parse((await run(['--url', url, 'health', '--json'])).out);
    // The text says what the JSON says about TimescaleDB, whichever server this is.
    const timescale = json.timescale as { version: string; license: string } | null;
    expect(text.out).toMatch(timescale ? new RegExp(`TimescaleDB ${timescale.version.replace(/\./g, '\\.')}.*${timescale.license} license`) : /no TimescaleDB/);
    expect(json.engine).toBe(url.startsWith('pglite://') ? 'pglite' : 'postgres');
    expect(json.migrations.pending).toEqual([]);
  });
});

describe('ag-storage errors', () => {
  it('exits 1 with the error class when the database cannot be reached, masking the password', async () => {
    const { code, err } = await run(['--url', 'postgres://bot:hunter2@127.0.0.1:1/x', 'health']);
    expect(code).toBe(1);
    expect(err).toMatch(/ConnectionError \[CONNECTION\]/);
    expect(err).not.toContain('hunter2');
  });

  it('exits 1 for an unknown URL scheme, naming the key', async () => {
    const { code, err } = await run(['--url', 'mysql://x/y', 'health']);
    expect(code).toBe(1);
    expect(err).toMatch(/database\.url/);
  });

  it('exits 2 for an unknown command or action', async () => {
    expect((await run(['no-such-command'])).code).toBe(2);
    expect((await run(['--url', 'pglite://memory', 'migrate', 'sideways'])).code).toBe(1);
  });

  it('prints help', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    expect(out).toContain('migrate');
    expect(out).toContain('health');
  });
});
