// Position snapshots and reconciliation on every engine: storing, reading
// the latest, ranges, and positions rebuilt from fills (average cost)
// compared with the snapshots, with the rebuilt figures checked against an
// independent rational replay.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma, ValidationError } from '@ag/storage-core';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import { ExecutionStore, type PositionInput } from '../src/index.js';
import { Rational, replayWithRationals } from './support/rational-ledger.js';
import { buildTradingHistory, utcDaysAgo } from './support/trading-history.js';
import { uniqueName } from './support/fixtures.js';

describeEachEngine('ExecutionStore positions', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let store: ExecutionStore;
  const countPositions = async () => (await storage.query<{ n: number }>(`SELECT count(*)::int AS n FROM positions`))[0]?.n;
  const rejects = async (promise: Promise<unknown>, field: string) => {
    const error = await promise.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
  };
  const snapshot = (overrides: Partial<PositionInput> = {}): PositionInput => ({
    time: new Date('2026-11-02T10:00:00Z'),
    venue: 'binance',
    market: uniqueName('m'),
    size: '-1.5',
    avgEntryPrice: '35000.25',
    unrealizedPnl: '-12.5',
    realizedPnl: '3.75',
    ...overrides,
  });

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
    store = new ExecutionStore(storage);
  });
  afterAll(async () => storage?.close());

  describe('snapshots', () => {
    it('stores a snapshot once and reports repeats as unchanged, corrections as updated', async () => {
      const p = snapshot();
      expect((await store.storePosition(p)).outcome).toBe('inserted');
      expect((await store.storePosition(p)).outcome).toBe('unchanged');
      expect((await store.storePosition({ ...p, size: '-1' })).outcome).toBe('updated');
      const latest = await store.getLatestPosition(p.venue, p.market);
      expect(latest?.size.toFixed()).toBe('-1');
      expect(latest?.avgEntryPrice).toBeInstanceOf(Prisma.Decimal);
    });

    it('returns the newest snapshot as the latest position, and null for an unknown market', async () => {
      const market = uniqueName('latest');
      const times = ['2026-11-02T10:00:00Z', '2026-11-04T10:00:00Z', '2026-11-03T10:00:00Z'];
      const result = await store.storePositions(times.map((time, i) => snapshot({ market, time, size: `${i + 1}` })));
      expect(result).toEqual({ inserted: 3, updated: 0, unchanged: 0 });
      const latest = await store.getLatestPosition('binance', market);
      expect([latest?.time.toISOString(), latest?.size.toFixed()]).toEqual(['2026-11-04T10:00:00.000Z', '2']);
      expect(await store.getLatestPosition('binance', uniqueName('none'))).toBeNull();
    });

    it('lists the snapshots of a market in a range, oldest first', async () => {
      const market = uniqueName('range');
      const times = Array.from({ length: 10 }, (_, i) => new Date(Date.UTC(2026, 10, 2, i)));
      await store.storePositions(times.map((time, i) => snapshot({ market, time, size: `${i}` })));
      const rows = await store.queryPositions({ market, start: times[2] as Date, end: times[7] as Date });
      expect(rows.map((r) => r.size.toFixed())).toEqual(['2', '3', '4', '5', '6']);
    });

    it('round-trips quotes and SQL in venue and market', async () => {
      const p = snapshot({ venue: `x'); DROP TABLE positions; --`, market: `"ETH"'USD` });
      await store.storePosition(p);
      expect((await store.getLatestPosition(p.venue, p.market))?.market).toBe(p.market);
    });

    const bad: Array<[string, Record<string, unknown>, string]> = [
      ['a NaN size', { size: Number.NaN }, 'position.size'],
      ['a garbage price', { avgEntryPrice: 'x' }, 'position.avgEntryPrice'],
      ['a zero average price', { avgEntryPrice: 0 }, 'position.avgEntryPrice'],
      ['a missing market', { market: undefined }, 'position.market'],
      ['an out-of-range time', { time: '1800-01-01T00:00:00Z' }, 'position.time'],
      ['an unknown field', { leverage: 3 }, 'position.leverage'],
    ];
    for (const [name, change, field] of bad) {
      it(`refuses ${name} and writes nothing`, async () => {
        const before = await countPositions();
        await rejects(store.storePosition({ ...snapshot(), ...change } as PositionInput), field);
        expect(await countPositions()).toBe(before);
      });
    }

    it('refuses a batch with one bad snapshot and writes none of it', async () => {
      const before = await countPositions();
      await rejects(store.storePositions([snapshot(), snapshot({ size: Number.POSITIVE_INFINITY })]), 'positions[1].size');
      expect(await countPositions()).toBe(before);
    });

    it('refuses bad latest-position and range queries', async () => {
      await rejects(store.getLatestPosition('', 'BTC'), 'position.venue');
      await rejects(store.queryPositions({ market: 'm', start: '2026-11-03T00:00:00Z', end: '2026-11-02T00:00:00Z' }), 'query.end');
    });
  });

  describe('reconciliation', () => {
    const venue = uniqueName('recon');
    const firstDay = utcDaysAgo(4);
    const history = buildTradingHistory({ venue, markets: ['A-USD', 'B-USD', 'C-USD'], firstDay, days: 2, fillsPerMarket: 30, seed: 11 });
    const replayUpTo = (market: string, at: Date) =>
      replayWithRationals(history.fills.filter((f) => f.market === market && f.time <= at).sort((a, b) => a.time.getTime() - b.time.getTime()));
    const snapshotAt = new Date(firstDay.getTime() + 36 * 3600_000);

    beforeAll(async () => {
      await store.storeOrders(history.orders);
      await store.storeFills(history.fillInputs);
      const a = replayUpTo('A-USD', snapshotAt);
      const b = replayUpTo('B-USD', snapshotAt);
      await store.storePositions([
        // A: exactly the rebuilt position.
        { venue, market: 'A-USD', time: snapshotAt, size: a.position.toFixed(18), avgEntryPrice: a.avg?.toFixed(18) ?? null, realizedPnl: a.realized.toFixed(18) },
        // B: 0.5 more than the fills explain.
        { venue, market: 'B-USD', time: snapshotAt, size: b.position.plus(new Rational(1n, 2n)).toFixed(18), avgEntryPrice: b.avg?.toFixed(18) ?? '1' },
        // D: a snapshot without any fills.
        { venue, market: 'D-USD', time: snapshotAt, size: '1', avgEntryPrice: '10' },
      ]);
    });

    it('reports each market as in sync, drifting or missing its snapshot', async () => {
      const report = await store.reconcilePositions({ venue });
      expect(report.map((r) => [r.market, r.status])).toEqual([
        ['A-USD', 'in_sync'],
        ['B-USD', 'drift'],
        ['C-USD', 'missing_snapshot'],
        ['D-USD', 'drift'],
      ]);
    });

    it('rebuilds positions as of the snapshot time, matching an independent replay', async () => {
      const [a] = await store.reconcilePositions({ venue, market: 'A-USD' });
      const oracle = replayUpTo('A-USD', snapshotAt);
      expect(a?.asOf).toEqual(snapshotAt);
      expect(a?.rebuilt.size.toFixed()).toBe(oracle.position.toFixed(18));
      expect(a?.rebuilt.avgEntryPrice?.toFixed() ?? null).toBe(oracle.avg?.toFixed(18) ?? null);
      expect(a?.rebuilt.realizedPnl.toFixed()).toBe(oracle.realized.toFixed(18));
      expect(a?.drift?.size.toFixed()).toBe('0');
    });

    it('reports the size drift as stored minus rebuilt', async () => {
      const [b] = await store.reconcilePositions({ venue, market: 'B-USD' });
      expect(b?.drift?.size.toFixed()).toBe('0.5');
      expect(b?.rebuilt.fillCount).toBe(history.fills.filter((f) => f.market === 'B-USD' && f.time <= snapshotAt).length);
    });

    it('accepts a drift within the given tolerance', async () => {
      const [b] = await store.reconcilePositions({ venue, market: 'B-USD', sizeTolerance: '0.5' });
      expect(b?.status).toBe('in_sync');
    });

    it('rebuilds a market without snapshots up to `at`', async () => {
      const [c] = await store.reconcilePositions({ venue, market: 'C-USD' });
      const oracle = replayUpTo('C-USD', new Date());
      expect(c?.stored).toBeNull();
      expect(c?.rebuilt.size.toFixed()).toBe(oracle.position.toFixed(18));
    });

    it('refuses a negative tolerance', async () => {
      await rejects(store.reconcilePositions({ venue, sizeTolerance: '-1' }), 'query.sizeTolerance');
    });
  });
});
