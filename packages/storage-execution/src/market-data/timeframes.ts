// The candle timeframes the library knows, their widths, and bar alignment.
// Every bar opens at a whole multiple of its width counted from Monday
// 2000-01-03 00:00 UTC (TimescaleDB's time_bucket origin): minutes and hours
// on the clock, days at UTC midnight, weeks on Mondays.

export const TIMEFRAMES = ['1m', '5m', '15m', '30m', '1h', '4h', '1d', '1w'] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];

const SECONDS: Readonly<Record<Timeframe, number>> = {
  '1m': 60,
  '5m': 300,
  '15m': 900,
  '30m': 1800,
  '1h': 3600,
  '4h': 14_400,
  '1d': 86_400,
  '1w': 604_800,
};

/** Bars are aligned to multiples of their width from this instant. */
export const BAR_ORIGIN = new Date('2000-01-03T00:00:00.000Z');
export const BAR_ORIGIN_SQL = `TIMESTAMPTZ '2000-01-03 00:00:00+00'`;

export function timeframeMillis(timeframe: Timeframe): number {
  return SECONDS[timeframe] * 1000;
}

/** The width as a PostgreSQL interval literal, passed as a parameter (e.g. "3600 seconds"). */
export function timeframeInterval(timeframe: Timeframe): string {
  return `${SECONDS[timeframe]} seconds`;
}

export function isAlignedBarTime(time: Date, timeframe: Timeframe): boolean {
  return offsetInBar(time.getTime(), timeframeMillis(timeframe)) === 0;
}

/** The first bar open time at or after `time`. */
export function alignUp(time: Date, timeframe: Timeframe): Date {
  const width = timeframeMillis(timeframe);
  const offset = offsetInBar(time.getTime(), width);
  return new Date(offset === 0 ? time.getTime() : time.getTime() - offset + width);
}

/** The open time of the bar containing `time`. */
export function alignDown(time: Date, timeframe: Timeframe): Date {
  return new Date(time.getTime() - offsetInBar(time.getTime(), timeframeMillis(timeframe)));
}

/** Whether bars of `target` are made of whole bars of `source`. */
export function isCoarserMultiple(source: Timeframe, target: Timeframe): boolean {
  return SECONDS[target] > SECONDS[source] && SECONDS[target] % SECONDS[source] === 0;
}

/** How many `source` bars make one `target` bar. */
export function barsPer(source: Timeframe, target: Timeframe): number {
  return SECONDS[target] / SECONDS[source];
}

function offsetInBar(epochMillis: number, width: number): number {
  const fromOrigin = epochMillis - BAR_ORIGIN.getTime();
  return ((fromOrigin % width) + width) % width;
}
