// The test-database helpers themselves: isolation, cleanup and engine probing.

import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { brokenPromises, createTestStorage, describeEachServer, engineSetBy, probeTestEngines } from '../src/index.js';

describe('probeTestEngines', () => {
  // Each probed engine is chosen here by the setting the test gave (or by none, the in-process one), never by its name.
  it('always offers the in-process engine and explains every engine a setting names that is not there', async () => {
    const engines = await probeTestEngines({
      TEST_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      TEST_TIMESCALEDB_URL: 'postgres://nobody@127.0.0.1:2/none',
    });
    expect(engines.map((e) => e.variable)).toEqual([undefined, 'TEST_DATABASE_URL', 'TEST_TIMESCALEDB_URL', 'TEST_DOCKER']);
    expect(engineSetBy(engines, undefined)?.available).toBe(true);
    for (const variable of ['TEST_DATABASE_URL', 'TEST_TIMESCALEDB_URL']) {
      const named = engineSetBy(engines, variable);
      expect(named).toMatchObject({ available: false, promised: true });
      expect(named?.reason).toMatch(new RegExp(`${variable} does not answer`));
    }
    const docker = engineSetBy(engines, 'TEST_DOCKER');
    expect(docker?.available).toBe(false);
    expect(docker?.reason).toBe('TEST_DOCKER is not 1');
  });

  it('names the promised engines that do not answer, which a CI run must not skip', async () => {
    const engines = await probeTestEngines({ TEST_TIMESCALEDB_URL: 'postgres://nobody@127.0.0.1:2/none' });
    expect(brokenPromises(engines)).toEqual([engineSetBy(engines, 'TEST_TIMESCALEDB_URL')]);
    // An engine nobody named is optional: its absence is a skip, not a broken promise.
    const unnamed = await probeTestEngines({});
    expect(unnamed.filter((e) => e.promised)).toEqual([]);
    expect(brokenPromises(unnamed)).toEqual([]);
  });

  it('refuses a server offered as TimescaleDB that has no timescaledb extension', async (ctx) => {
    // The server is chosen by what its catalog offers, not by the variable that named it.
    const servers = (await probeTestEngines({})).filter((e) => e.available && e.url);
    let plainUrl: string | undefined;
    for (const server of servers) {
      if (!(await offersTimescaledb(server.url as string))) { plainUrl = server.url; break; }
    }
    if (!plainUrl) {
      (ctx.task.meta as Record<string, unknown>).skipReason = 'needs a PostgreSQL server without the timescaledb extension';
      ctx.skip();
      return;
    }
    const offered = engineSetBy(await probeTestEngines({ TEST_TIMESCALEDB_URL: plainUrl }), 'TEST_TIMESCALEDB_URL');
    expect(offered?.available).toBe(false);
    expect(offered?.reason).toMatch(/offers no timescaledb extension/);
  });

  it('reports a missing Docker engine as a skip reason, not a failure', async () => {
    const engines = await probeTestEngines({ TEST_DOCKER: '1', DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    const docker = engineSetBy(engines, 'TEST_DOCKER');
    expect(docker?.available).toBe(false);
    expect(docker?.reason).toMatch(/no Docker engine answers/);
  });
});

describe('createTestStorage', () => {
  it('gives each embedded storage its own migrated in-memory database', async () => {
    const a = await createTestStorage();
    const b = await createTestStorage();
    try {
      await a.execute(`INSERT INTO metric_series (metric_name) VALUES ('only.in.a')`);
      expect(await b.query(`SELECT * FROM metric_series`)).toEqual([]);
      expect(a.url).toBe('pglite://memory');
      expect((await a.migrationStatus()).every((m) => m.state === 'applied')).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describeEachServer('createTestStorage on a server', ({ engine, adminUrl }) => {
  it('creates a uniquely named server database and drops it on close', async () => {
    const storage = await createTestStorage({ engine, adminUrl });
    const name = new URL(storage.url).pathname.slice(1);
    expect(name).toMatch(/^ag_test_\d+_\d+_[0-9a-f]{8}$/);
    expect((await storage.migrationStatus()).every((m) => m.state === 'applied')).toBe(true);
    await storage.close();
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      const { rows } = await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name]);
      expect(rows).toEqual([]);
    } finally {
      await admin.end();
    }
  });
});

/** Whether the server's catalog has the timescaledb extension available. */
async function offersTimescaledb(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'`);
    return rows.length > 0;
  } finally {
    await client.end();
  }
}
