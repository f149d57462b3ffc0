// Credentials never reach logs, errors, health reports or config dumps.

import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, LOCAL_POSTGRES_URL, testEngines } from '@ag/storage-testing';
import { createLogger, createStorage, loadConfig, redactObject, redactSecrets } from '../src/index.js';

const SECRET = 'Sup3r-S3cret!pw';

function captureLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  return { logger: createLogger({ level: 'trace', destination }), text: () => lines.join('') };
}

describe('redaction', () => {
  it('masks passwords in URLs, key=value strings and query parameters', () => {
    expect(redactSecrets(`postgres://bot:${SECRET}@db:5432/x`)).toBe('postgres://bot:***@db:5432/x');
    expect(redactSecrets(`host=db password=${SECRET} user=bot`)).toBe('host=db password=*** user=bot');
    expect(redactSecrets(`postgres://db/x?sslmode=require&password=${SECRET}`)).not.toContain(SECRET);
    expect(redactSecrets('postgres://bot@db/x')).toBe('postgres://bot@db/x');
  });

  it('masks secrets in config dumps', () => {
    const config = loadConfig({ env: { DATABASE_URL: `postgres://bot:${SECRET}@db/x`, AG_STORAGE_DATABASE_PASSWORD: SECRET } });
    const dumped = JSON.stringify(redactObject(config));
    expect(dumped).not.toContain(SECRET);
    expect(dumped).toContain('postgres://bot:***@db/x');
  });

  it('keeps secrets out of every log line: fields, messages and errors', () => {
    const { logger, text } = captureLogger();
    logger.info({ url: `postgres://bot:${SECRET}@db/x`, password: SECRET, database: { password: SECRET } }, 'connecting');
    logger.info(`connecting to postgres://bot:${SECRET}@db/x`);
    logger.error({ err: new Error(`failed for postgres://bot:${SECRET}@db/x`) }, 'boom');
    const output = text();
    expect(output).toContain('connecting');
    expect(output).toContain('postgres://bot:***@db/x');
    expect(output).not.toContain(SECRET);
  });

  it('keeps the password out of health output and the logs of a real connection', async () => {
    const postgres = testEngines().find((e) => e.engine === 'postgres');
    if (!postgres?.available) return;
    // A role with a password, so the URL really carries one.
    const admin = await createStorage({ url: postgres.url ?? LOCAL_POSTGRES_URL, env: {}, config: { logging: { level: 'silent' } } });
    const role = `ag_redact_${process.pid}`;
    const database = await createTestDatabase(postgres.url ?? LOCAL_POSTGRES_URL);
    try {
      await admin.execute(`DROP ROLE IF EXISTS ${role}`);
      await admin.execute(`CREATE ROLE ${role} LOGIN PASSWORD '${SECRET}'`);
      const url = new URL(database.url);
      url.username = role;
      url.password = encodeURIComponent(SECRET);
      const { logger, text } = captureLogger();
      const storage = await createStorage({ url: url.toString(), env: {}, logger });
      try {
        const health = await storage.health();
        expect(health.url).toContain(`${role}:***@`);
        expect(JSON.stringify(health)).not.toContain(SECRET);
      } finally {
        await storage.close();
      }
      expect(text()).not.toContain(SECRET);
    } finally {
      await database.drop();
      await admin.execute(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
      await admin.close();
    }
  });
});
