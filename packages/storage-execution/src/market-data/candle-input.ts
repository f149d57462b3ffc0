// What upsertCandles accepts: one OHLCV bar, validated before anything is
// written. The bar must be consistent (high >= max(open, close), low <=
// min(open, close), volume >= 0) and open on its timeframe's boundary.

import { z } from 'zod';
import { ExactDecimal, type DecimalInput } from '../decimal/exact-decimal.js';
import { decimalField, enumField, nameField, timestampField } from '../validation/field-schemas.js';
import { isAlignedBarTime, TIMEFRAMES, type Timeframe } from './timeframes.js';

export interface CandleInput {
  /** The bar's open time, on the timeframe's boundary. */
  time: Date | string | number;
  venue: string;
  symbol: string;
  timeframe: Timeframe;
  open: DecimalInput;
  high: DecimalInput;
  low: DecimalInput;
  close: DecimalInput;
  volume: DecimalInput;
}

export const candleInputSchema = z
  .strictObject({
    time: timestampField,
    venue: nameField,
    symbol: nameField,
    timeframe: enumField(TIMEFRAMES),
    open: decimalField(),
    high: decimalField(),
    low: decimalField(),
    close: decimalField(),
    volume: decimalField('nonNegative'),
  })
  .superRefine((bar, ctx) => {
    if (!isAlignedBarTime(bar.time, bar.timeframe)) {
      ctx.addIssue({
        code: 'custom',
        path: ['time'],
        message: `not the open time of a ${bar.timeframe} bar (bars align to multiples of ${bar.timeframe} from 2000-01-03T00:00:00Z)`,
        input: bar.time,
      });
    }
    const open = new ExactDecimal(bar.open);
    const close = new ExactDecimal(bar.close);
    if (new ExactDecimal(bar.high).lessThan(ExactDecimal.max(open, close))) {
      ctx.addIssue({ code: 'custom', path: ['high'], message: 'below max(open, close)', input: bar.high });
    }
    if (new ExactDecimal(bar.low).greaterThan(ExactDecimal.min(open, close))) {
      ctx.addIssue({ code: 'custom', path: ['low'], message: 'above min(open, close)', input: bar.low });
    }
  });

export type ParsedCandle = z.output<typeof candleInputSchema>;
