// Credentials never reach logs, errors, health reports or config dumps.

import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, describeEachServer } from '@ag/storage-testing';
import {
  ConfigurationError,
  ConnectionError,
  createLogger,
  createStorage,
  loadConfig,
  mapDatabaseError,
  redactObject,
  redactSecrets,
  StorageError,
} from '../src/index.js';

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

  it('keeps secrets out of error objects logged with nested fields', () => {
    const { logger, text } = captureLogger();
    const error = Object.assign(new Error('boom'), { config: { password: SECRET, url: `postgres://bot:${SECRET}@db/x` }, dsn: `host=db password=${SECRET}` });
    logger.error({ err: error }, 'failed');
    logger.error({ err: new StorageError('wrapped', { cause: new Error(`cause with postgres://bot:${SECRET}@db/x`) }) }, 'wrapped');
    logger.warn({ err: new ConfigurationError('database.password', SECRET, 'bad') }, 'config');
    expect(text()).toContain('boom');
    expect(text()).not.toContain(SECRET);
  });

  it('keeps secrets out of StorageError message, detail, toJSON and ValidationError values', () => {
    const error = new StorageError(`failed for postgres://bot:${SECRET}@db/x?password=${SECRET}`, {
      detail: `password=${SECRET}`,
      cause: new Error(`driver said postgres://bot:${SECRET}@db/x`),
    });
    expect(error.message).toBe('failed for postgres://bot:***@db/x?password=***');
    expect(error.detail).toBe('password=***');
    const json = JSON.stringify(error);
    expect(json).toContain('"cause":{"name":"Error","message":"driver said postgres://bot:***@db/x"}');
    expect(json).not.toContain(SECRET);
    expect(JSON.stringify(new ConfigurationError('database.url', `postgres://bot:${SECRET}@db/x`, 'bad'))).not.toContain(SECRET);
  });

  it('keeps secrets out of mapped driver errors: message, detail and JSON', () => {
    const driverError = Object.assign(new Error(`could not connect with password=${SECRET}`), { code: '08001', detail: `url postgres://u:${SECRET}@h/d` });
    const mapped = mapDatabaseError(driverError, `cannot connect to postgres://u:${SECRET}@h/d`);
    expect(mapped).toBeInstanceOf(ConnectionError);
    expect(`${mapped.message} ${mapped.detail} ${JSON.stringify(mapped)}`).not.toContain(SECRET);
  });

  it('keeps the password out of a failed connection: userinfo, ?password= and the logs', async () => {
    const { logger, text } = captureLogger();
    const error = (await createStorage({
      url: `postgres://bot:${SECRET}@127.0.0.1:1/nowhere?password=${SECRET}`,
      env: {},
      logger,
      config: { database: { connection_timeout_sec: 2 } },
    }).catch((e: unknown) => e)) as StorageError;
    expect(error).toBeInstanceOf(ConnectionError);
    logger.error({ err: error }, 'open failed');
    expect(error.message).toContain('bot:***@127.0.0.1:1');
    expect(`${error.message} ${String(error.cause)} ${JSON.stringify(error)} ${text()}`).not.toContain(SECRET);
  });
});

describeEachServer('redaction on a real server', ({ adminUrl }) => {
  it('keeps the password out of health output and the logs of a real connection', async () => {
    // A role with a password, so the URL really carries one.
    const admin = await createStorage({ url: adminUrl, env: {}, config: { logging: { level: 'silent' } } });
    const role = `ag_redact_${process.pid}`;
    const database = await createTestDatabase(adminUrl);
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

  it('keeps the password out of a health report of a database that went down', async () => {
    const database = await createTestDatabase(adminUrl);
    const url = new URL(database.url);
    url.password = SECRET; // trust auth on the test server: sent, not checked
    const storage = await createStorage({ url: url.toString(), env: {}, config: { logging: { level: 'silent' } } });
    try {
      await storage.engine.close();
      const health = await storage.health();
      expect(health.status).toBe('down');
      expect(health.error).toBeTruthy();
      expect(health.url).toContain(':***@');
      expect(JSON.stringify(health)).not.toContain(SECRET);
    } finally {
      await storage.close().catch(() => undefined);
      await database.drop();
    }
  });
});
