// TLS to a PostgreSQL server: database.ssl.mode / ca_file and ?sslmode= /
// sslrootcert= in the URL mean what libpq means by them, against the shared
// server (no TLS) and a private server with TLS and a throw-away CA.

import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachServer, describeUnless } from '@ag/storage-testing';
import { ConfigurationError, ConnectionError, createStorage, loadConfig, type Storage } from '../src/index.js';
import { buildPoolOptions } from '../src/engines/postgres-pool-options.js';
import { startTlsPostgres, tlsPostgresUnavailableReason, type TlsPostgres } from './support/tls-postgres.js';


function database(ssl: Record<string, unknown> = {}) {
  return loadConfig({ env: {}, overrides: { database: { ssl } } }).database;
}

function pemFile(text = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'ag-ca-')), 'ca.pem');
  writeFileSync(file, text);
  return file;
}

const open = (url: string, ssl: Record<string, unknown> = {}) =>
  createStorage({ url, env: {}, config: { database: { ssl, connection_timeout_sec: 5 }, logging: { level: 'silent' } } });

async function usesTls(storage: Storage): Promise<boolean> {
  const [row] = await storage.query<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
  return row?.ssl ?? false;
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    async (value) => {
      await (value as Storage).close();
      return undefined;
    },
    (error: unknown) => error as Error,
  );
  if (!outcome) throw new Error('expected the connection to fail');
  return outcome;
}

describe('pool options built from config and URL', () => {
  it('sends no TLS for disable, and says so explicitly (PGSSLMODE cannot turn it on)', () => {
    expect(buildPoolOptions('postgres://h/db', database()).options.ssl).toBe(false);
  });

  it('encrypts without checking the certificate for require and prefer', () => {
    expect(buildPoolOptions('postgres://h/db', database({ mode: 'require' })).options.ssl).toEqual({ rejectUnauthorized: false });
    expect(buildPoolOptions('postgres://h/db', database({ mode: 'prefer' })).options.ssl).toEqual({ rejectUnauthorized: false });
  });

  it('checks chain and host for verify-full, only the chain for verify-ca, with the CA file read', () => {
    const caFile = pemFile();
    const full = buildPoolOptions('postgres://h/db', database({ mode: 'verify-full', ca_file: caFile })).options.ssl as Record<string, unknown>;
    expect(full).toEqual({ rejectUnauthorized: true, ca: expect.stringContaining('BEGIN CERTIFICATE') });
    const ca = buildPoolOptions('postgres://h/db', database({ mode: 'verify-ca', ca_file: caFile })).options.ssl as Record<string, unknown>;
    expect(ca).toMatchObject({ rejectUnauthorized: true, ca: expect.stringContaining('BEGIN CERTIFICATE') });
    expect(ca.checkServerIdentity).toBeTypeOf('function');
  });

  it('treats require with a CA file as verify-ca, as libpq does', () => {
    const ssl = buildPoolOptions('postgres://h/db', database({ mode: 'require', ca_file: pemFile() })).options.ssl as Record<string, unknown>;
    expect(ssl).toMatchObject({ rejectUnauthorized: true });
    expect(ssl.checkServerIdentity).toBeTypeOf('function');
  });

  it('reads sslmode and sslrootcert from the URL (winning over database.ssl) and hides them from node-postgres', () => {
    const caFile = pemFile();
    const plan = buildPoolOptions(`postgres://u@h/db?application_name=x&sslmode=verify-full&sslrootcert=${encodeURIComponent(caFile)}`, database({ mode: 'disable' }));
    expect(plan.tls).toMatchObject({ mode: 'verify-full', modeKey: 'database.url sslmode', caFile, caKey: 'database.url sslrootcert' });
    expect(plan.options.connectionString).toBe('postgres://u@h/db?application_name=x');
    expect(plan.options.ssl).toMatchObject({ rejectUnauthorized: true, ca: expect.stringContaining('BEGIN CERTIFICATE') });
    expect(buildPoolOptions('postgres://h/db?sslmode=disable', database({ mode: 'verify-full' })).options.ssl).toBe(false);
  });

  it('passes pool limits and the statement timeout', () => {
    const config = loadConfig({ env: {}, overrides: { database: { max_connections: 3, connection_timeout_sec: 1.5, statement_timeout_ms: 250 } } });
    expect(buildPoolOptions('postgres://h/db', config.database).options).toMatchObject({
      max: 3,
      connectionTimeoutMillis: 1500,
      statement_timeout: 250,
      application_name: 'ag-storage',
    });
  });

  it('refuses a CA file that does not exist or is not PEM, naming the key and the file', () => {
    const missing = path.join(os.tmpdir(), 'no-such-dir', 'ca.pem');
    const error = (() => {
      try {
        buildPoolOptions('postgres://h/db', database({ mode: 'verify-full', ca_file: missing }));
      } catch (e) {
        return e as ConfigurationError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error?.field).toBe('database.ssl.ca_file');
    expect(error?.message).toContain(missing);
    expect(error?.message).toContain('file not found');
    expect(() => buildPoolOptions('postgres://h/db', database({ mode: 'verify-ca', ca_file: pemFile('hello') }))).toThrow(/not a PEM file/);
    expect(() => buildPoolOptions(`postgres://h/db?sslmode=verify-full&sslrootcert=${missing}`, database())).toThrow(
      /database\.url sslrootcert .*file not found/,
    );
  });

  it('refuses unknown sslmode values and URL parameters that would override TLS silently', () => {
    expect(() => buildPoolOptions('postgres://h/db?sslmode=no-verify', database())).toThrow(/database\.url sslmode/);
    expect(() => buildPoolOptions('postgres://h/db?ssl=true', database())).toThrow(/database\.url ssl\b.*sslmode/);
    const error = (() => {
      try {
        buildPoolOptions('postgres://h/db?sslpassword=Hunter2Secret', database());
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toContain('database.url sslpassword');
    expect(error?.message).not.toContain('Hunter2Secret');
  });

  it('rejects an unknown database.ssl.mode at load time', () => {
    expect(() => loadConfig({ env: { AG_STORAGE_DATABASE_SSL_MODE: 'sometimes' } })).toThrow(ConfigurationError);
  });
});

describeEachServer('a server without TLS', ({ adminUrl: url }) => {

  it('connects in plain text with disable', async () => {
    const storage = await open(url, { mode: 'disable' });
    try {
      expect(await usesTls(storage)).toBe(false);
    } finally {
      await storage.close();
    }
  });

  it('falls back to plain text with prefer', async () => {
    const storage = await open(url, { mode: 'prefer' });
    try {
      expect(await usesTls(storage)).toBe(false);
    } finally {
      await storage.close();
    }
  });

  it('fails fast with a non-retryable ConnectionError naming the TLS setting with require', async () => {
    const started = Date.now();
    const error = await failure(open(url, { mode: 'require' }));
    expect(Date.now() - started).toBeLessThan(4000);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).retryable).toBe(false);
    expect(error.message).toMatch(/does not support SSL/);
    expect(error.message).toContain('database.ssl.mode = require');
  });

  it('honours sslmode=require in the URL the same way', async () => {
    const error = await failure(open(`${url}?sslmode=require`));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toContain('database.url sslmode = require');
  });

  it('fails with a ConfigurationError naming a missing ca_file before connecting', async () => {
    const missing = '/nonexistent/ag-storage/ca.pem';
    const error = await failure(open(url, { mode: 'verify-full', ca_file: missing }));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toContain('database.ssl.ca_file');
    expect(error.message).toContain(missing);
  });
});

const tlsUnavailable = tlsPostgresUnavailableReason();

describeUnless(tlsUnavailable, 'a server with TLS and a private CA [private postgres]', () => {
  let tls: TlsPostgres;
  beforeAll(async () => {
    tls = await startTlsPostgres();
  });
  afterAll(async () => tls?.server.destroy());

  const connected = async (url: string, ssl: Record<string, unknown>) => {
    const storage = await open(url, ssl);
    try {
      return await usesTls(storage);
    } finally {
      await storage.close();
    }
  };

  it('encrypts with require and prefer, without checking the certificate', async () => {
    expect(await connected(tls.urlFor('127.0.0.1'), { mode: 'require' })).toBe(true);
    expect(await connected(tls.urlFor('127.0.0.1'), { mode: 'prefer' })).toBe(true);
    expect(await connected(tls.urlFor('127.0.0.1'), { mode: 'disable' })).toBe(false);
  });

  it('connects with verify-full when the CA signed the certificate and the host name matches', async () => {
    expect(await connected(tls.urlFor('localhost'), { mode: 'verify-full', ca_file: tls.caFile })).toBe(true);
    expect(await connected(`${tls.urlFor('localhost')}?sslmode=verify-full&sslrootcert=${encodeURIComponent(tls.caFile)}`, {})).toBe(true);
  });

  it('refuses verify-full when the host name is not in the certificate, but verify-ca accepts it', async () => {
    const error = await failure(open(tls.urlFor('127.0.0.1'), { mode: 'verify-full', ca_file: tls.caFile }));
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).retryable).toBe(false);
    expect(error.message).toContain('database.ssl.mode = verify-full');
    expect(await connected(tls.urlFor('127.0.0.1'), { mode: 'verify-ca', ca_file: tls.caFile })).toBe(true);
  });

  it('refuses verify-full without the CA file: the certificate is not from a public CA', async () => {
    const error = await failure(open(tls.urlFor('localhost'), { mode: 'verify-full' }));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toMatch(/certificate/i);
  });
});
