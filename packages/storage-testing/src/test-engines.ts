// Which engines the integration suites can run on here, and why not the
// others: embedded always; PostgreSQL when TEST_DATABASE_URL (or, unset, the
// local server at 127.0.0.1:5432) answers; a TimescaleDB container when
// TEST_DOCKER=1 and a Docker engine answers.

import pg from 'pg';

export type TestEngine = 'embedded' | 'postgres' | 'docker';

export interface TestEngineAvailability {
  engine: TestEngine;
  available: boolean;
  /** Admin URL for postgres (a server database the tests may CREATE DATABASE from). */
  url?: string;
  reason: string;
}

export const LOCAL_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export async function probeTestEngines(env: NodeJS.ProcessEnv = process.env): Promise<TestEngineAvailability[]> {
  return [
    { engine: 'embedded', available: true, reason: 'in-process PGlite with TimescaleDB' },
    await probePostgres(env),
    await probeDocker(env),
  ];
}

async function probePostgres(env: NodeJS.ProcessEnv): Promise<TestEngineAvailability> {
  const explicit = env.TEST_DATABASE_URL;
  const url = explicit || LOCAL_POSTGRES_URL;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { engine: 'postgres', available: true, url, reason: explicit ? 'TEST_DATABASE_URL' : 'local server (TEST_DATABASE_URL unset)' };
  } catch (error) {
    const why = (error as Error).message;
    return {
      engine: 'postgres',
      available: false,
      reason: explicit
        ? `TEST_DATABASE_URL does not answer: ${why}`
        : `TEST_DATABASE_URL unset and no server at 127.0.0.1:5432 (${why})`,
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function probeDocker(env: NodeJS.ProcessEnv): Promise<TestEngineAvailability> {
  if (env.TEST_DOCKER !== '1') {
    return { engine: 'docker', available: false, reason: 'TEST_DOCKER is not 1' };
  }
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    const client = await getContainerRuntimeClient();
    return { engine: 'docker', available: true, reason: `container runtime ${client.info.containerRuntime.host}` };
  } catch (error) {
    return { engine: 'docker', available: false, reason: `no Docker engine answers: ${(error as Error).message.split('\n')[0]}` };
  }
}

/** A URL with the password masked, for messages. */
export function maskPassword(url: string): string {
  return url.replace(/(:\/\/[^:/@]*):[^@/]*@/, '$1:***@');
}
