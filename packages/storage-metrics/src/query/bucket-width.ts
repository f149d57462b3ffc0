// Bucket widths for queryAggregated: milliseconds, or text such as '5m',
// '1h', '15 minutes', '1d', '1w'. Months and years are not fixed widths and
// are refused.

import { ValidationError } from '@ag/storage-core';

const UNIT_MS: Record<string, number> = {
  ms: 1, millisecond: 1, milliseconds: 1,
  s: 1000, sec: 1000, second: 1000, seconds: 1000,
  m: 60_000, min: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  d: 86_400_000, day: 86_400_000, days: 86_400_000,
  w: 604_800_000, week: 604_800_000, weeks: 604_800_000,
};
const WIDTH_TEXT = /^\s*(\d+)\s*([a-z]+)\s*$/;

/** The longest bucket accepted: 366 days. */
export const MAX_BUCKET_MS = 366 * 86_400_000;

/** Bucket width in milliseconds, or a ValidationError naming `field`. */
export function parseBucketWidth(bucket: unknown, field = 'bucket'): number {
  let ms: number | undefined;
  if (typeof bucket === 'number') {
    ms = bucket;
  } else if (typeof bucket === 'string') {
    const match = WIDTH_TEXT.exec(bucket.toLowerCase());
    const unit = match ? UNIT_MS[match[2] as string] : undefined;
    if (!match || unit === undefined) {
      throw new ValidationError(field, bucket, "must be milliseconds or '<n><unit>' with unit ms, s, m, h, d or w (e.g. '5m')");
    }
    ms = Number(match[1]) * unit;
  } else {
    throw new ValidationError(field, bucket, "must be milliseconds or a width such as '5m'");
  }
  if (!Number.isInteger(ms) || ms <= 0) throw new ValidationError(field, bucket, 'must be a positive whole number of milliseconds');
  if (ms > MAX_BUCKET_MS) throw new ValidationError(field, bucket, 'must be at most 366 days');
  return ms;
}
