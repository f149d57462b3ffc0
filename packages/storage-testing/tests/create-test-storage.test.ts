// The test-database helpers themselves: isolation, cleanup and engine probing.

import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestStorage, probeTestEngines, testEngines } from '../src/index.js';

describe('probeTestEngines', () => {
  it('always offers the embedded engine and explains every skipped one', async () => {
    const engines = await probeTestEngines({ TEST_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(engines.find((e) => e.engine === 'embedded')?.available).toBe(true);
    const postgres = engines.find((e) => e.engine === 'postgres');
    expect(postgres?.available).toBe(false);
    expect(postgres?.reason).toMatch(/TEST_DATABASE_URL does not answer/);
    const docker = engines.find((e) => e.engine === 'docker');
    expect(docker?.available).toBe(false);
    expect(docker?.reason).toBe('TEST_DOCKER is not 1');
  });

  it('reports a missing Docker engine as a skip reason, not a failure', async () => {
    const engines = await probeTestEngines({ TEST_DOCKER: '1', DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    const docker = engines.find((e) => e.engine === 'docker');
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

  it('creates a uniquely named server database and drops it on close', async () => {
    const postgres = testEngines().find((e) => e.engine === 'postgres');
    if (!postgres?.available || !postgres.url) return;
    const storage = await createTestStorage({ engine: 'postgres', adminUrl: postgres.url });
    const name = new URL(storage.url).pathname.slice(1);
    expect(name).toMatch(/^ag_test_\d+_\d+_[0-9a-f]{8}$/);
    expect((await storage.migrationStatus()).every((m) => m.state === 'applied')).toBe(true);
    await storage.close();
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    try {
      const { rows } = await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name]);
      expect(rows).toEqual([]);
    } finally {
      await admin.end();
    }
  });
});
