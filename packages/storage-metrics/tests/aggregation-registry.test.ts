// The aggregation registry against the schema every engine migrates to: each
// rollup column an entry claims (stored values and merge states) exists in
// metrics_hourly / metrics_daily, checked in information_schema so that a
// forgotten column fails here and not as a runtime SQL error; a metrics_daily
// built on metrics_hourly holds no column of an aggregation the registry does
// not read from daily; and the help text lists every aggregation.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { listRollups } from '@ag/storage-core';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import { AGGREGATION_REGISTRY, AGGREGATIONS, MERGE_STATE_COLUMNS, describeAggregations, type AggregationDefinition, type RollupLevel } from '../src/index.js';

const LEVELS: RollupLevel[] = ['metrics_hourly', 'metrics_daily'];

/** `level.column` for every column an entry needs that the schema lacks. */
function missingColumns(def: AggregationDefinition, columns: Map<string, Set<string>>): string[] {
  const needed = def.storedIn.map((level) => [level, def.rollupColumn] as const);
  if (def.merge) for (const level of LEVELS) for (const state of def.merge.states) for (const c of MERGE_STATE_COLUMNS[state]) needed.push([level, c]);
  return needed.filter(([level, column]) => !columns.get(level)?.has(column)).map(([level, column]) => `${level}.${column}`);
}

describeEachEngine('aggregation registry', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  const columns = new Map<string, Set<string>>();

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
    const rows = await storage.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ANY($1)`,
      [LEVELS],
    );
    for (const r of rows) columns.set(r.table_name, (columns.get(r.table_name) ?? new Set()).add(r.column_name));
  });
  afterAll(async () => {
    await storage?.close();
  });

  it('finds both rollup levels with their bucket and series_id columns', () => {
    for (const level of LEVELS) expect([...(columns.get(level) ?? [])]).toEqual(expect.arrayContaining(['bucket', 'series_id']));
  });

  it.each(AGGREGATIONS.map((a) => [a]))('%s: every rollup column it reads (stored value, merge states) exists', (name) => {
    expect(missingColumns(AGGREGATION_REGISTRY[name], columns)).toEqual([]);
  });

  it('finds in a metrics_daily built on metrics_hourly only columns the registry reads from daily', async () => {
    const daily = (await listRollups(storage.engine)).find((r) => r.viewName === 'metrics_daily');
    if (daily?.builtOn !== 'metrics_hourly') return;
    const hourlyOnly = AGGREGATIONS.map((a) => AGGREGATION_REGISTRY[a] as AggregationDefinition)
      .filter((def) => !def.storedIn.includes('metrics_daily'))
      .map((def) => def.rollupColumn);
    expect(hourlyOnly).toEqual(expect.arrayContaining(['stddev', 'p50']));
    expect([...(columns.get('metrics_daily') ?? [])].filter((c) => hourlyOnly.includes(c))).toEqual([]);
  });

  it('catches an entry whose rollup column was forgotten in the migration', () => {
    const forgotten: AggregationDefinition = { ...AGGREGATION_REGISTRY.p99, rollupColumn: 'p999', storedIn: ['metrics_hourly'] };
    expect(missingColumns(forgotten, columns)).toEqual(['metrics_hourly.p999']);
  });

  it('generates one help line per aggregation', () => {
    const lines = describeAggregations().split('\n');
    expect(lines.map((l) => l.split(':')[0])).toEqual([...AGGREGATIONS]);
  });
});
