// Names from configuration never become SQL: host, user, database and
// application_name travel as connection parameters (quotes, spaces and
// semicolons arrive intact), and paths refuse control characters.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { describeEachServer } from '@ag/storage-testing';
import { ConfigurationError, createStorage, loadConfig, resolveDatabaseUrl } from '../src/index.js';

const HOSTILE_ROLE = `ag sec"role'; DROP TABLE orders; --${process.pid}`;
const HOSTILE_DATABASE = `ag sec"db'; DROP DATABASE postgres; --/${process.pid}%`;

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

describe('config values that name things', () => {
  it('builds a URL from host/user/database/password that decodes back to the same values', () => {
    const database = loadConfig({ env: {}, overrides: { database: { host: 'db.internal', user: HOSTILE_ROLE, database: HOSTILE_DATABASE, password: `p@ss:w/rd?#%` } } }).database;
    const url = new URL(resolveDatabaseUrl(database));
    expect(decodeURIComponent(url.username)).toBe(HOSTILE_ROLE);
    expect(decodeURIComponent(url.password)).toBe('p@ss:w/rd?#%');
    expect(decodeURI(url.pathname.slice(1))).toBe(HOSTILE_DATABASE);
  });

  it('refuses a database name that a URL cannot carry', () => {
    const database = loadConfig({ env: {}, overrides: { database: { host: 'db', database: 'what?' } } }).database;
    expect(() => resolveDatabaseUrl(database)).toThrow(ConfigurationError);
  });

  it.each([
    ['database.ssl.ca_file', { database: { ssl: { mode: 'verify-full', ca_file: '/etc/ssl/ca.pem\u0000.txt' } } }],
    ['retention.archive_directory', { retention: { archive_directory: './archive\n; rm -rf /' } }],
  ])('refuses control characters in the path %s', (key, overrides) => {
    expect(() => loadConfig({ env: {}, overrides: overrides as never })).toThrow(new RegExp(`${key.replace(/\./g, '\\.')}.*control characters`));
  });

  it('accepts quotes and SQL-looking text in paths and metric override names: they are data, never SQL', () => {
    const config = loadConfig({
      env: {},
      overrides: { retention: { archive_directory: `./arch'ive"; DROP TABLE x; --`, metric_overrides: { [`x'); DROP TABLE metric_points; --`]: 3 } } },
    });
    expect(config.retention.archive_directory).toBe(`./arch'ive"; DROP TABLE x; --`);
    expect(config.retention.metric_overrides).toEqual({ [`x'); DROP TABLE metric_points; --`]: 3 });
  });
});

describeEachServer('hostile names on a server', ({ adminUrl }) => {
  const admin = new pg.Client({ connectionString: adminUrl });
  beforeAll(async () => {
    await admin.connect();
    await admin.query(`CREATE ROLE ${quoted(HOSTILE_ROLE)} LOGIN`);
    await admin.query(`CREATE DATABASE ${quoted(HOSTILE_DATABASE)} OWNER ${quoted(HOSTILE_ROLE)}`);
  });
  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${quoted(HOSTILE_DATABASE)} WITH (FORCE)`).catch(() => undefined);
    await admin.query(`DROP ROLE IF EXISTS ${quoted(HOSTILE_ROLE)}`).catch(() => undefined);
    await admin.end();
  });

  it('connects as the role to the database they name, from database.host/user/database', async () => {
    const server = new URL(adminUrl);
    const storage = await createStorage({
      env: {},
      config: { database: { host: server.hostname, port: Number(server.port || 5432), user: HOSTILE_ROLE, database: HOSTILE_DATABASE }, logging: { level: 'silent' } },
    });
    try {
      expect(await storage.query('SELECT current_user AS role, current_database() AS database')).toEqual([{ role: HOSTILE_ROLE, database: HOSTILE_DATABASE }]);
    } finally {
      await storage.close();
    }
  });

  it('passes application_name from the URL as a parameter, not SQL', async () => {
    const name = `x'; DROP TABLE orders; --`;
    const storage = await createStorage({ url: `${adminUrl}?application_name=${encodeURIComponent(name)}`, env: {}, config: { logging: { level: 'silent' } } });
    try {
      expect(await storage.query(`SELECT current_setting('application_name') AS name`)).toEqual([{ name }]);
    } finally {
      await storage.close();
    }
  });
});
