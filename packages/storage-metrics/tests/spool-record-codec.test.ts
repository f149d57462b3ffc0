// The spool segment format: what is encoded decodes to the same points, bit
// for bit; a tail cut short by a crash is ignored (never fatal); a record
// whose checksum fails is skipped and the records around it are kept.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NormalizedPoint } from '../src/metric-point.js';
import { decodeSegment, SEGMENT_MAGIC, SpoolRecordBuffer } from '@ag/storage-core';
import { pointSpoolCodec } from '../src/ingest/point-spool-codec.js';

const point = (name: string, labelsJson: string, timeMs: number, value: number): NormalizedPoint => ({
  name,
  labelsJson,
  seriesKey: `${name}\u0000${labelsJson}`,
  timeMs,
  value,
});

/** A segment file holding one record per group of points. */
function segmentOf(...records: NormalizedPoint[][]): { file: Buffer; recordEnds: number[] } {
  const buffer = new SpoolRecordBuffer(pointSpoolCodec);
  const recordEnds: number[] = [];
  let end = SEGMENT_MAGIC.length;
  for (const record of records) {
    end += buffer.append(record);
    recordEnds.push(end);
  }
  return { file: Buffer.concat([SEGMENT_MAGIC, buffer.take()]), recordEnds };
}

const A = point('bot.pnl', '{"venue":"binance"}', Date.UTC(2026, 0, 1), 12.5);
const B = point('bot.pnl', '{"venue":"kraken"}', Date.UTC(2026, 0, 1, 0, 0, 1), -0);
const C = point('order.latency_ms', '{"note":"ünïcode \\"quoted\\" 🚀"}', Date.UTC(2026, 0, 1, 0, 0, 2), Number.MIN_VALUE);

describe('spool segment format', () => {
  it('decodes every record in the order it was appended, -0 and unicode included', () => {
    const { file } = segmentOf([A], [B, C]);
    const decoded = decodeSegment(file, pointSpoolCodec);
    expect(decoded).toMatchObject({ records: 2, corruptRecords: 0, tornTailBytes: 0, foreign: false });
    expect(decoded.items).toEqual([A, B, C]);
    expect(Object.is(decoded.items[1]!.value, -0)).toBe(true);
  });

  it('round-trips any valid point exactly (property)', () => {
    const arbitraryPoint = fc.record({
      name: fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_.:-]{0,30}$/),
      labels: fc.dictionary(fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/), fc.string({ unit: 'grapheme', maxLength: 20 }), { maxKeys: 4 }),
      timeMs: fc.integer({ min: 0, max: Date.UTC(9999, 11, 31) }),
      value: fc.double({ noNaN: true, noDefaultInfinity: true }),
    });
    fc.assert(
      fc.property(fc.array(fc.array(arbitraryPoint, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 5 }), (groups) => {
        const records = groups.map((g) => g.map((p) => point(p.name, JSON.stringify(p.labels), p.timeMs, p.value)));
        const decoded = decodeSegment(segmentOf(...records).file, pointSpoolCodec);
        expect(decoded.items).toEqual(records.flat());
        expect(decoded.items.map((p) => Object.is(p.value, -0))).toEqual(records.flat().map((p) => Object.is(p.value, -0)));
      }),
    );
  });

  it('ignores a last record cut short at any byte (a torn write), keeping the records before it', () => {
    const { file, recordEnds } = segmentOf([A], [B], [C]);
    const lastStart = recordEnds[1]!;
    for (let cut = lastStart; cut < file.length; cut += 1) {
      const decoded = decodeSegment(file.subarray(0, cut), pointSpoolCodec);
      expect(decoded.items).toEqual([A, B]);
      expect([decoded.corruptRecords, decoded.tornTailBytes]).toEqual([0, cut - lastStart]);
    }
  });

  it('ignores a zero-filled tail (a file extended but never written)', () => {
    const { file } = segmentOf([A]);
    const decoded = decodeSegment(Buffer.concat([file, Buffer.alloc(100)]), pointSpoolCodec);
    expect(decoded.items).toEqual([A]);
    expect(decoded.tornTailBytes).toBe(100);
  });

  it('skips a record whose checksum does not match and keeps the records after it', () => {
    const { file, recordEnds } = segmentOf([A], [B], [C]);
    const damaged = Buffer.from(file);
    damaged.writeUInt8(damaged.readUInt8(recordEnds[0]! + 12) ^ 0xff, recordEnds[0]! + 12); // inside B's payload
    const decoded = decodeSegment(damaged, pointSpoolCodec);
    expect(decoded.items).toEqual([A, C]);
    expect(decoded).toMatchObject({ records: 2, corruptRecords: 1, tornTailBytes: 0 });
  });

  it('treats a file cut inside its magic as empty, and a file without the magic as foreign', () => {
    expect(decodeSegment(SEGMENT_MAGIC.subarray(0, 3), pointSpoolCodec)).toMatchObject({ items: [], foreign: false, tornTailBytes: 3 });
    expect(decodeSegment(Buffer.alloc(0), pointSpoolCodec)).toMatchObject({ items: [], foreign: false });
    expect(decodeSegment(Buffer.from('not a spool segment at all'), pointSpoolCodec)).toMatchObject({ items: [], foreign: true });
  });
});
