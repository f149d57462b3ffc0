// No password given to the ag-storage command line (in --url, in a URL's
// ?password=, in a config file) is ever printed, whether the command works
// or fails, in process and as a real process with its own stdout/stderr.

import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, describeEachServer, type TestDatabase } from '@ag/storage-testing';
import { runCli } from './support/run-cli.js';

const SECRET = 'Cli-Secret-8812';
const QUERY_SECRET = 'Query-Secret-5531';
const cliDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function withPassword(url: string): string {
  const parsed = new URL(url);
  parsed.password = SECRET;
  return parsed.toString();
}

/** The same URL under libpq's other scheme name: postgres:// and postgresql:// are one. */
function withScheme(url: string, scheme: 'postgres' | 'postgresql'): string {
  return url.replace(/^postgres(ql)?:/, `${scheme}:`);
}

function expectNoSecret(...texts: string[]): void {
  for (const text of texts) {
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(QUERY_SECRET);
  }
}

describeEachServer('ag-storage output with a password in the URL', ({ adminUrl }) => {
  let database: TestDatabase;
  let url: string;
  beforeAll(async () => {
    database = await createTestDatabase(adminUrl);
    // The shared test server trusts local connections: the password is sent, never checked.
    url = withPassword(database.url);
  });
  afterAll(async () => database?.drop());

  it.each(['postgres', 'postgresql'] as const)('masks it in health, health --json and migrate status (%s://)', async (scheme) => {
    const schemed = withScheme(url, scheme);
    const text = await runCli(['--url', schemed, 'health']);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/postgres(ql)?:\/\/postgres:\*\*\*@/);
    const json = await runCli(['--url', schemed, 'health', '--json']);
    expect(JSON.parse(json.out).url).toMatch(/^postgres(ql)?:\/\/postgres:\*\*\*@/);
    const status = await runCli(['--verbose', '--url', schemed, 'migrate', 'status']);
    expectNoSecret(text.out, text.err, json.out, json.err, status.out, status.err);
  });

  it('masks a ?password= query parameter too', async () => {
    const { code, out, err } = await runCli(['--url', `${database.url}?password=${QUERY_SECRET}`, 'health']);
    expect(code).toBe(0);
    expect(out).toContain('password=***');
    expectNoSecret(out, err);
  });

  it('prints nothing secret from a real process, --verbose included', async () => {
    const run = promisify(execFile);
    const { stdout, stderr } = await run(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', 'src/main.ts', '--verbose', '--url', `${url}?password=${QUERY_SECRET}`, 'health', '--json'],
      { cwd: cliDir, env: { ...process.env, DATABASE_URL: '' }, timeout: 60_000 },
    );
    expect(JSON.parse(stdout).status).toMatch(/ok|degraded/);
    expectNoSecret(stdout, stderr);
  });
});

describe('ag-storage failures with a password in the URL or config', () => {
  it('masks it when the server cannot be reached, in userinfo and query', async () => {
    const { code, err, out } = await runCli(['--url', `postgres://bot:${SECRET}@127.0.0.1:1/x?password=${QUERY_SECRET}`, 'health']);
    expect(code).toBe(1);
    expect(err).toMatch(/ConnectionError \[CONNECTION\]/);
    expect(err).toContain('bot:***@127.0.0.1:1');
    expectNoSecret(out, err);
  });

  it('masks it when the URL cannot even be parsed', async () => {
    const { code, err, out } = await runCli(['--url', `postgres://bot:${SECRET}@127.0.0.1:notaport/x`, 'health']);
    expect(code).toBe(1);
    expect(err).toMatch(/ConfigurationError \[CONFIGURATION\].*database\.url.*not a valid URL/);
    expectNoSecret(out, err);
  });

  it('refuses a config file with a literal password without printing it', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'ag-cli-cred-')), 'ag-storage.yaml');
    writeFileSync(file, `database:\n  url: postgres://bot:${SECRET}@127.0.0.1:1/x\n`);
    const { code, err, out } = await runCli(['--config', file, 'health']);
    expect(code).toBe(1);
    expect(err).toMatch(/ConfigurationError \[CONFIGURATION\].*database\.url.*literal password/);
    expectNoSecret(out, err);
  });
});
