// BEGIN / COMMIT around fn on one session, ROLLBACK when it throws: the one
// implementation behind every engine's transaction() and the migrator.

import type { Queryable } from './engine.js';

export async function runInTransaction<T>(session: Queryable, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  await session.exec('BEGIN');
  try {
    const result = await fn(session);
    await session.exec('COMMIT');
    return result;
  } catch (error) {
    await session.exec('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
