// The fault-injection harness: a private PostgreSQL server a test can stop and
// restart, and a TCP proxy that refuses or cuts connections.

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privatePostgresUnavailableReason, startFaultProxy, startPrivatePostgres, type PrivatePostgres } from '../src/index.js';

const unavailable = privatePostgresUnavailableReason();

async function ping(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ port: string }>(`SELECT current_setting('port') AS port`);
    return rows[0]?.port ?? '';
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe.skipIf(unavailable)(`private PostgreSQL and fault proxy${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let server: PrivatePostgres;
  beforeAll(async () => {
    server = await startPrivatePostgres();
  });
  afterAll(async () => server?.destroy());

  it('runs a server on its own port', async () => {
    expect(await ping(server.url)).toBe(String(server.port));
  });

  it('refuses connections while stopped and answers again after start', async () => {
    await server.stop();
    await expect(ping(server.url)).rejects.toThrow(/ECONNREFUSED/);
    await server.start();
    expect(await ping(server.url)).toBe(String(server.port));
  });

  it('refuses new connections at once while open ones keep working', async () => {
    const proxy = await startFaultProxy({ host: '127.0.0.1', port: server.port });
    const url = proxy.rewriteUrl(server.url);
    const held = new pg.Client({ connectionString: url });
    try {
      await held.connect();
      await proxy.refuse();
      await expect(ping(url)).rejects.toThrow(/ECONNREFUSED/);
      expect((await held.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await held.end().catch(() => undefined);
      await proxy.close();
    }
  });

  it('proxies, refuses and cuts connections on demand', async () => {
    const proxy = await startFaultProxy({ host: '127.0.0.1', port: server.port });
    try {
      const url = proxy.rewriteUrl(server.url);
      expect(await ping(url)).toBe(String(server.port));

      const held = new pg.Client({ connectionString: url });
      await held.connect();
      const lost = new Promise<Error>((resolve) => held.on('error', resolve));
      proxy.cutAll();
      expect((await lost).message).toMatch(/Connection terminated|ECONNRESET|closed/i);
      await held.end().catch(() => undefined);

      await proxy.refuse();
      await expect(ping(url)).rejects.toThrow(/ECONNREFUSED/);
      await proxy.accept();
      expect(await ping(url)).toBe(String(server.port));
      expect(proxy.connectionsAccepted).toBeGreaterThanOrEqual(3);
    } finally {
      await proxy.close();
    }
  });
});
