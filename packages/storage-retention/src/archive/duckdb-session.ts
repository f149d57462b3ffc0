// One in-memory DuckDB connection per archive writer, restore or export: the
// Parquet writer and reader. Its time zone is UTC so that times read back as
// `...+00` text, and its memory is capped so archiving stays bounded.

import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

export interface DuckSession {
  connection: DuckDBConnection;
  close(): void;
}

export async function openDuckSession(): Promise<DuckSession> {
  const instance = await DuckDBInstance.create(':memory:', { memory_limit: '256MB', threads: '1' });
  const connection = await instance.connect();
  await connection.run(`SET TimeZone = 'UTC'`);
  return {
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
