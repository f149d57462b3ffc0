// compareCandles: the bars of one series where the venue's stored candles and
// the candles built from the stored trades disagree: a bar on one side only,
// or an open, high, low, close or volume differing by more than the
// tolerance (absolute, exact decimal arithmetic, default 0: any difference).

import { Prisma, ValidationError } from '@ag/storage-core';
import { z } from 'zod';
import { decimalField, enumField, nameField, timestampField } from '../validation/field-schemas.js';
import type { Candle } from './candle-row.js';
import { TIMEFRAMES } from './timeframes.js';

export const compareCandlesQuerySchema = z
  .strictObject({
    venue: nameField,
    symbol: nameField,
    timeframe: enumField(TIMEFRAMES),
    start: timestampField,
    end: timestampField,
    tolerance: decimalField('nonNegative').optional(),
    limit: z.number({ error: 'expected an integer' }).int('expected an integer').min(1, 'must be at least 1').optional(),
  })
  .superRefine((value, ctx) => {
    if (value.end.getTime() <= value.start.getTime()) ctx.addIssue({ code: 'custom', path: ['end'], message: 'must be after start', input: value.end });
  });

export type CandleField = 'open' | 'high' | 'low' | 'close' | 'volume';
const FIELDS: readonly CandleField[] = ['open', 'high', 'low', 'close', 'volume'];

/** One bar where the two sides disagree. */
export interface CandleDisagreement {
  time: Date;
  /** missing-venue: only trades have the bar; missing-trades: only the venue candles have it. */
  kind: 'missing-venue' | 'missing-trades' | 'differs';
  /** The fields beyond tolerance (all five when a side is missing). */
  fields: CandleField[];
  venue: Candle | undefined;
  trades: Candle | undefined;
}

/** Both sides' bars, oldest first, matched by open time; the disagreements, at most `limit`. */
export function diffCandles(venue: readonly Candle[], trades: readonly Candle[], tolerance: string, limit: number): CandleDisagreement[] {
  const tol = new Prisma.Decimal(tolerance);
  const byTime = new Map<number, { venue?: Candle; trades?: Candle }>();
  for (const c of venue) byTime.set(c.time.getTime(), { venue: c });
  for (const c of trades) {
    const entry = byTime.get(c.time.getTime());
    if (entry) entry.trades = c;
    else byTime.set(c.time.getTime(), { trades: c });
  }
  const out: CandleDisagreement[] = [];
  for (const time of [...byTime.keys()].sort((a, b) => a - b)) {
    if (out.length >= limit) break;
    const { venue: v, trades: t } = byTime.get(time) as { venue?: Candle; trades?: Candle };
    if (!v || !t) {
      out.push({ time: new Date(time), kind: v ? 'missing-trades' : 'missing-venue', fields: [...FIELDS], venue: v, trades: t });
      continue;
    }
    const fields = FIELDS.filter((f) => v[f].minus(t[f]).abs().greaterThan(tol));
    if (fields.length > 0) out.push({ time: new Date(time), kind: 'differs', fields, venue: v, trades: t });
  }
  return out;
}

/** A side that filled the read limit may have more bars than it returned: refused rather than reported wrong. */
export function checkWhole(side: readonly Candle[], readLimit: number, name: string): void {
  if (side.length >= readLimit) {
    throw new ValidationError('query.end', name, `the range holds at least ${readLimit} ${name} bars (query.max_results); narrow it`);
  }
}
