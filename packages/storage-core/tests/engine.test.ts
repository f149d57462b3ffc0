// The engine primitives every package builds on: parameters, transactions,
// sessions, COPY, and the Prisma client sharing the connection safely.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestStorage, describeEachEngine, requireTrait, type TestStorage } from '@ag/storage-testing';
import { copyTextValue, StorageError } from '../src/index.js';

describeEachEngine('engine', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
    await storage.engine.exec(`CREATE TABLE engine_probe (id int PRIMARY KEY, note text, at timestamptz, n numeric(38,18))`);
  });
  afterAll(async () => storage?.close());

  it('passes hostile text as parameters, never as SQL', async () => {
    const hostile = `'); DROP TABLE engine_probe; --`;
    await storage.execute(`INSERT INTO engine_probe (id, note) VALUES ($1, $2)`, [1, hostile]);
    expect(await storage.query(`SELECT note FROM engine_probe WHERE id = 1`)).toEqual([{ note: hostile }]);
  });

  it('returns text exactly as stored, a leading byte order mark (U+FEFF) included', async () => {
    // PGlite's protocol reader decoded every value with a BOM-stripping
    // TextDecoder (fixed by patches/@unni-craftsman__pglite*.patch).
    const texts = ['\ufeffbom', '\ufeff', 'a\ufeffb', '\ufeff\ufeffdouble'];
    await storage.engine.exec(`CREATE TABLE bom_probe (id int PRIMARY KEY, note text)`);
    for (const [i, text] of texts.entries()) await storage.execute(`INSERT INTO bom_probe (id, note) VALUES ($1, $2)`, [i, text]);
    const rows = await storage.query<{ note: string }>(`SELECT note FROM bom_probe ORDER BY id`);
    expect(rows.map((r) => r.note)).toEqual(texts);
    await storage.engine.exec(`DROP TABLE bom_probe`);
    expect(await storage.query<{ t: string }>(`SELECT $1::text AS t`, ['\ufeffparam'])).toEqual([{ t: '\ufeffparam' }]);
  });

  it('returns the same types on every engine: int8 as number, numeric as exact string, timestamptz as Date', async () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    await storage.execute(`INSERT INTO engine_probe (id, at, n) VALUES (2, $1, $2)`, [at, '0.000000000000000001']);
    const [row] = await storage.query<{ count: number; at: Date; n: string }>(
      `SELECT (SELECT count(*) FROM engine_probe) AS count, at, n FROM engine_probe WHERE id = 2`,
    );
    expect(row).toEqual({ count: 2, at, n: '0.000000000000000001' });
  });

  it('commits a transaction and rolls one back on error', async () => {
    await storage.transaction(async (tx) => {
      await tx.query(`INSERT INTO engine_probe (id) VALUES (10)`);
    });
    await expect(
      storage.transaction(async (tx) => {
        await tx.query(`INSERT INTO engine_probe (id) VALUES (11)`);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const ids = await storage.query<{ id: number }>(`SELECT id FROM engine_probe WHERE id >= 10 ORDER BY id`);
    expect(ids).toEqual([{ id: 10 }]);
  });

  it('keeps Prisma queries out of a transaction in flight', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const tx = storage.transaction(async (t) => {
      await t.query(`INSERT INTO engine_probe (id) VALUES (20)`);
      await gate;
      throw new Error('rolled back on purpose');
    });
    const prismaWrite = storage.prisma.metricSeries.create({ data: { metricName: 'outside.tx' } });
    setTimeout(release, 50);
    await expect(tx).rejects.toThrow('rolled back on purpose');
    await prismaWrite;
    expect(await storage.prisma.metricSeries.count({ where: { metricName: 'outside.tx' } })).toBe(1);
    expect(await storage.query(`SELECT id FROM engine_probe WHERE id = 20`)).toEqual([]);
  });

  it('bulk loads with COPY, escaping tabs, newlines, backslashes and nulls', async () => {
    const notes = ['plain', 'tab\there', 'line\nbreak', 'back\\slash', null, "quote'\"", 'ünïcödé 📈'];
    const text = notes.map((note, i) => `${100 + i}\t${copyTextValue(note)}\n`).join('');
    const copied = await storage.engine.copyFrom(`COPY engine_probe (id, note) FROM STDIN`, text);
    expect(copied).toBe(notes.length);
    const rows = await storage.query<{ note: string | null }>(`SELECT note FROM engine_probe WHERE id >= 100 ORDER BY id`);
    expect(rows.map((r) => r.note)).toEqual(notes);
  });

  it('rejects a COPY with a bad row whole', async () => {
    const error = await storage.engine.copyFrom(`COPY engine_probe (id, note) FROM STDIN`, `200\tok\nnot-a-number\tbad\n`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect(await storage.query(`SELECT id FROM engine_probe WHERE id = 200`)).toEqual([]);
  });

  it('answers a statement sent prepared like one sent plain, call after call, whatever the parameters', async () => {
    const sql = `SELECT $1::int + id AS n, $2::text AS t FROM generate_series(1, 3) AS id ORDER BY id`;
    for (const [n, t] of [[1, 'a'], [40, `it's; DROP TABLE engine_probe`], [-7, '']] as const) {
      const plain = await storage.engine.query(sql, [n, t]);
      for (let call = 0; call < 7; call += 1) expect(await storage.engine.query(sql, [n, t], { prepared: true })).toEqual(plain);
    }
    await storage.transaction(async (tx) => {
      expect((await tx.query(sql, [2, 'tx'], { prepared: true })).rows).toEqual((await tx.query(sql, [2, 'tx'])).rows);
    });
  });

  it('keeps working after a prepared statement fails on its parameters', async () => {
    const sql = `SELECT 10 / $1::int AS q`;
    expect((await storage.engine.query(sql, [2], { prepared: true })).rows).toEqual([{ q: 5 }]);
    await expect(storage.engine.query(sql, [0], { prepared: true })).rejects.toBeInstanceOf(StorageError);
    expect((await storage.engine.query(sql, [5], { prepared: true })).rows).toEqual([{ q: 2 }]);
  });

  it('keeps a statement sent prepared prepared on its connection, planned once', async (ctx) => {
    requireTrait(ctx, storage.engine.traits, 'preparedStatements');
    const sql = `SELECT count(*) AS n FROM engine_probe WHERE id > $1::int`;
    await storage.engine.withSession(async (session) => {
      await session.query(sql, [0], { prepared: true });
      await session.query(sql, [1], { prepared: true });
      const prepared = await session.query<{ n: number }>(`SELECT count(*) AS n FROM pg_prepared_statements WHERE statement = $1`, [sql]);
      expect(prepared.rows).toEqual([{ n: 1 }]);
    });
  });

  it('refuses queries after close', async () => {
    const other = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}), migrate: false });
    await other.close();
    await expect(other.query('SELECT 1')).rejects.toThrow(/closed/);
  });
});
