// The servers a benchmark runs on (postgres: BENCH_DATABASE_URL, else
// TEST_DATABASE_URL, else 127.0.0.1:5432; timescaledb: BENCH_TIMESCALEDB_URL,
// else TEST_TIMESCALEDB_URL, else 127.0.0.1:5433) and a throw-away database
// on one per run. Kept here so that `ag-storage bench` loads no test package (and
// no testcontainers) at run time.

import { randomBytes } from 'node:crypto';
import pg from 'pg';

export type BenchServerEngine = 'postgres' | 'timescaledb';

const SERVERS: Record<BenchServerEngine, { variables: string[]; localUrl: string }> = {
  postgres: { variables: ['BENCH_DATABASE_URL', 'TEST_DATABASE_URL'], localUrl: 'postgres://postgres@127.0.0.1:5432/postgres' },
  timescaledb: { variables: ['BENCH_TIMESCALEDB_URL', 'TEST_TIMESCALEDB_URL'], localUrl: 'postgres://postgres@127.0.0.1:5433/postgres' },
};
const PREFIX = 'ag_bench_';

export interface BenchServer {
  available: boolean;
  /** Admin URL the bench may CREATE DATABASE from. */
  url: string;
  reason: string;
}

export interface BenchDatabaseHandle {
  url: string;
  drop(): Promise<void>;
}

export async function probeBenchServer(engine: BenchServerEngine, env: NodeJS.ProcessEnv = process.env): Promise<BenchServer> {
  const { variables, localUrl } = SERVERS[engine];
  const explicit = variables.map((name) => env[name]).find(Boolean);
  const url = explicit || localUrl;
  try {
    await withAdmin(url, async (client) => {
      if (engine !== 'timescaledb') return;
      const { rows } = await client.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'`);
      if (rows.length === 0) throw new Error('the server offers no timescaledb extension');
    });
    return { available: true, url, reason: explicit ? variables.join(' / ') : 'local server' };
  } catch (error) {
    return { available: false, url, reason: `${explicit ? 'the configured server' : `no server at ${new URL(url).host}`} does not answer: ${(error as Error).message}` };
  }
}

export async function createBenchDatabase(adminUrl: string): Promise<BenchDatabaseHandle> {
  const name = `${PREFIX}${Math.floor(Date.now() / 1000)}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await withAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

async function withAdmin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
