// The text `ag-storage health` prints: every field of the report a reader
// needs, the replica's lag (seconds and WAL bytes) and a paused replay
// included. The report itself is checked against real servers in
// packages/storage-core/tests; here only its wording.

import { describe, expect, it } from 'vitest';
import type { HealthReport, ReplicaHealth } from '@ag/storage-core';
import { formatHealth } from '../src/format-health.js';

const pool = { total: 2, idle: 1, waiting: 0, max: 10 };
const report = (replica?: ReplicaHealth): HealthReport => ({
  status: 'ok',
  engine: 'postgres',
  url: 'postgres://bot:***@db:5432/ag',
  serverVersion: '17.2',
  timescale: null,
  capabilities: null,
  pool,
  migrations: { applied: 40, pending: [], failed: [], modified: [] },
  latencyMs: 1,
  checkedAt: new Date(0),
  ...(replica ? { replica } : {}),
});
const replica = (over: Partial<ReplicaHealth>): ReplicaHealth => ({
  status: 'ok',
  url: 'postgres://bot:***@replica:5432/ag',
  inRecovery: true,
  lagSeconds: 0,
  lagBytes: 0,
  replayPaused: false,
  pool,
  ...over,
});

describe('formatHealth', () => {
  it('prints no replica line without database.read_url', () => {
    expect(formatHealth(report())).not.toMatch(/replica/);
  });

  it("prints the replica's lag in seconds and WAL bytes, and its pool", () => {
    const line = formatHealth(report(replica({ lagSeconds: 2.25, lagBytes: 123456 }))).split('\n').find((l) => l.startsWith('replica'));
    expect(line).toBe('replica     ok  postgres://bot:***@replica:5432/ag  behind by 2.3 s, 123,456 WAL bytes to replay; pool 2 open, 1 idle, 0 waiting (max 10)');
  });

  it('says when replay is paused, and when the lag is unknown', () => {
    const text = formatHealth(report(replica({ lagSeconds: null, lagBytes: null, replayPaused: true })));
    expect(text).toContain('behind by unknown, unknown to replay, replay PAUSED');
  });

  it('says when read_url names a primary, and why a replica is down', () => {
    expect(formatHealth(report(replica({ inRecovery: false })))).toContain('(not in recovery: read_url names a primary)');
    expect(formatHealth(report(replica({ status: 'down', error: 'connection refused' })))).toContain('replica     down  postgres://bot:***@replica:5432/ag  (connection refused)');
  });
});
