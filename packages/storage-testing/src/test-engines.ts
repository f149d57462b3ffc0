// Which engines the integration suites can run on here, and why not the
// others:
//   embedded     always (in-process PGlite with TimescaleDB, timescale license)
//   postgres     TEST_DATABASE_URL, or, unset, the local server at 127.0.0.1:5432
//   timescaledb  TEST_TIMESCALEDB_URL, or, unset, a local TimescaleDB server at
//                127.0.0.1:5433 (scripts/timescaledb-server.sh up starts one)
//   docker       a TimescaleDB container, when TEST_DOCKER=1 and a Docker engine answers
// An engine named explicitly in the environment is *promised*: under CI=true a
// promised engine that does not answer fails the run instead of skipping.

import pg from 'pg';

export type TestEngine = 'embedded' | 'postgres' | 'timescaledb' | 'docker';

/** The engines that are servers reached over a URL (a test database per suite). */
export const SERVER_ENGINES = ['postgres', 'timescaledb'] as const satisfies readonly TestEngine[];
export type ServerEngine = (typeof SERVER_ENGINES)[number];

export interface TestEngineAvailability {
  engine: TestEngine;
  available: boolean;
  /** Admin URL for server engines (a server database the tests may CREATE DATABASE from). */
  url?: string;
  reason: string;
  /** Named explicitly by the environment: under CI=true it must answer. */
  promised?: boolean;
  /** The environment variable that selects or configures this engine; none for the in-process engine, which is always there. */
  variable?: string;
}

/** The probed engine a setting selects (the in-process one for none), so callers choose by what they configured, not by an engine's name. */
export function engineSetBy(engines: readonly TestEngineAvailability[], variable: string | undefined): TestEngineAvailability | undefined {
  return engines.find((e) => e.variable === variable);
}

export const LOCAL_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const LOCAL_TIMESCALEDB_URL = 'postgres://postgres@127.0.0.1:5433/postgres';

export async function probeTestEngines(env: NodeJS.ProcessEnv = process.env): Promise<TestEngineAvailability[]> {
  return [
    { engine: 'embedded', available: true, reason: 'in-process PGlite with TimescaleDB' },
    await probeServer('postgres', env.TEST_DATABASE_URL, LOCAL_POSTGRES_URL, 'TEST_DATABASE_URL'),
    await probeServer('timescaledb', env.TEST_TIMESCALEDB_URL, LOCAL_TIMESCALEDB_URL, 'TEST_TIMESCALEDB_URL'),
    await probeDocker(env),
  ];
}

/** The promised engines that do not answer: a CI run must stop on these. */
export function brokenPromises(engines: readonly TestEngineAvailability[]): TestEngineAvailability[] {
  return engines.filter((e) => e.promised && !e.available);
}

async function probeServer(
  engine: ServerEngine,
  explicit: string | undefined,
  localUrl: string,
  variable: string,
): Promise<TestEngineAvailability> {
  const url = explicit || localUrl;
  const promised = Boolean(explicit);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ timescale: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') AS timescale`,
    );
    if (engine === 'timescaledb' && !rows[0]?.timescale) {
      return { engine, variable, available: false, promised, reason: `${explicit ? variable : localUrl} answers but offers no timescaledb extension` };
    }
    return { engine, variable, available: true, url, promised, reason: explicit ? variable : `local server (${variable} unset)` };
  } catch (error) {
    const why = (error as Error).message;
    const hint = engine === 'timescaledb' ? '; start one with scripts/timescaledb-server.sh up' : '';
    return {
      engine,
      variable,
      available: false,
      promised,
      reason: explicit ? `${variable} does not answer: ${why}` : `${variable} unset and no server at ${new URL(localUrl).host} (${why})${hint}`,
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function probeDocker(env: NodeJS.ProcessEnv): Promise<TestEngineAvailability> {
  if (env.TEST_DOCKER !== '1') {
    return { engine: 'docker', available: false, reason: 'TEST_DOCKER is not 1', variable: 'TEST_DOCKER' };
  }
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    const client = await getContainerRuntimeClient();
    return { engine: 'docker', available: true, promised: true, reason: `container runtime ${client.info.containerRuntime.host}`, variable: 'TEST_DOCKER' };
  } catch (error) {
    return { engine: 'docker', available: false, promised: true, reason: `no Docker engine answers: ${(error as Error).message.split('\n')[0]}`, variable: 'TEST_DOCKER' };
  }
}

/** A URL with the password masked, for messages. */
export function maskPassword(url: string): string {
  return url.replace(/(:\/\/[^:/@]*):[^@/]*@/, '$1:***@');
}
