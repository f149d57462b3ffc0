// The PostgreSQL server a benchmark runs on (BENCH_DATABASE_URL, else
// TEST_DATABASE_URL, else the local server) and a throw-away database on it
// per run. Kept here so that `ag-storage bench` loads no test package (and
// no testcontainers) at run time.

import { randomBytes } from 'node:crypto';
import pg from 'pg';

const LOCAL_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
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

export async function probeBenchServer(env: NodeJS.ProcessEnv = process.env): Promise<BenchServer> {
  const explicit = env.BENCH_DATABASE_URL || env.TEST_DATABASE_URL;
  const url = explicit || LOCAL_POSTGRES_URL;
  try {
    await withAdmin(url, async () => undefined);
    return { available: true, url, reason: explicit ? 'BENCH_DATABASE_URL / TEST_DATABASE_URL' : 'local server' };
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
