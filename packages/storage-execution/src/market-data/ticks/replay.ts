// replay(): the ticks (and candles) of some markets in [start, end) as one
// async iterator in time order, for backtests. Each kind is read a page at a
// time by keyset (time at microsecond precision, then venue, symbol and the
// kind's own key), so memory stays bounded whatever the range; the pages
// are merged by time, equal times in a fixed kind order (candles, book,
// quotes, trades) and, within a kind, in the order of its key: a replay of
// the same data is always the same sequence.

import type { Queryable } from '@ag/storage-core';
import { candleFromRow, type Candle, type CandleRow } from '../candle-row.js';
import type { Timeframe } from '../timeframes.js';
import { TIME_MICROS_SQL, timestampFromMicros } from '../../time-keyset.js';
import {
  BOOK_SELECT,
  bookFromRow,
  QUOTE_SELECT,
  quoteFromRow,
  TRADE_SELECT,
  tradeFromRow,
  type BookRow,
  type BookSnapshot,
  type Quote,
  type QuoteRow,
  type Trade,
  type TradeRow,
} from './tick-rows.js';

export const REPLAY_KINDS = ['candles', 'book', 'quotes', 'trades'] as const;
export type ReplayKind = (typeof REPLAY_KINDS)[number];

export type ReplayEvent =
  | { kind: 'trades'; time: Date; trade: Trade }
  | { kind: 'quotes'; time: Date; quote: Quote }
  | { kind: 'book'; time: Date; book: BookSnapshot }
  | { kind: 'candles'; time: Date; candle: Candle };

export interface ReplayPlan {
  venue: string | undefined;
  symbols: string[];
  kinds: ReplayKind[];
  start: Date;
  end: Date;
  timeframe: Timeframe;
  pageSize: number;
}

interface Source {
  rank: number;
  page: Array<{ micros: bigint; event: ReplayEvent }>;
  next: number;
  done: boolean;
  fetch(): Promise<void>;
}

interface SourceSpec {
  table: string;
  columns: string;
  /** The kind's own key after (time, venue, symbol), or '' when those are unique. */
  key: string;
  event(row: Record<string, unknown>): ReplayEvent;
  extraWhere?: string;
}

function specOf(kind: ReplayKind): SourceSpec {
  switch (kind) {
    case 'trades':
      return { table: 'trades', columns: TRADE_SELECT, key: 'trade_id', event: (r) => ({ kind, time: r.time as Date, trade: tradeFromRow(r as unknown as TradeRow) }) };
    case 'quotes':
      return { table: 'quotes', columns: QUOTE_SELECT, key: '', event: (r) => ({ kind, time: r.time as Date, quote: quoteFromRow(r as unknown as QuoteRow) }) };
    case 'book':
      return { table: 'book_snapshots', columns: BOOK_SELECT, key: '', event: (r) => ({ kind, time: r.time as Date, book: bookFromRow(r as unknown as BookRow) }) };
    case 'candles':
      return {
        table: 'candles',
        columns: 'time, venue, symbol, timeframe, open::text AS open, high::text AS high, low::text AS low, close::text AS close, volume::text AS volume',
        key: '',
        extraWhere: 'AND timeframe = $8',
        event: (r) => ({ kind, time: r.time as Date, candle: candleFromRow(r as unknown as CandleRow) }),
      };
  }
}

function pageSql(spec: SourceSpec): string {
  const keyColumns = `venue, symbol${spec.key ? `, ${spec.key}` : ''}`;
  const after = spec.key ? `($6::text, $7::text, $9::text)` : `($6::text, $7::text)`;
  return `
SELECT ${spec.columns}, ${TIME_MICROS_SQL} AS micros, venue AS k_venue, symbol AS k_symbol${spec.key ? `, ${spec.key} AS k_key` : ''}
  FROM ${spec.table}
 WHERE ($1::text IS NULL OR venue = $1) AND symbol = ANY($2::text[]) AND time >= $3 AND time < $4 ${spec.extraWhere ?? ''}
   AND coalesce($8::text, $9::text, '') IS NOT NULL -- every parameter typed, used or not
   AND ($5::text IS NULL OR (time, ${keyColumns}) > (${timestampFromMicros('$5')}, ${after.slice(1)})
 ORDER BY time, ${keyColumns}
 LIMIT ${'$10'}`;
}

function openSource(db: Queryable, plan: ReplayPlan, kind: ReplayKind): Source {
  const spec = specOf(kind);
  const sql = pageSql(spec);
  let cursor: [string | null, string | null, string | null, string | null] = [null, null, null, null];
  const source: Source = {
    rank: REPLAY_KINDS.indexOf(kind),
    page: [],
    next: 0,
    done: false,
    async fetch() {
      const { rows } = await db.query<Record<string, unknown>>(sql, [
        plan.venue ?? null, plan.symbols, plan.start, plan.end, cursor[0], cursor[1], cursor[2], plan.timeframe, cursor[3], plan.pageSize,
      ]);
      source.page = rows.map((r) => ({ micros: BigInt(r.micros as string), event: spec.event(r) }));
      source.next = 0;
      const last = rows[rows.length - 1];
      if (rows.length < plan.pageSize) source.done = true;
      if (last) cursor = [last.micros as string, last.k_venue as string, last.k_symbol as string, (last.k_key as string | undefined) ?? null];
    },
  };
  return source;
}

export async function* replayEvents(db: Queryable, plan: ReplayPlan): AsyncGenerator<ReplayEvent> {
  const sources = [...new Set(plan.kinds)].map((kind) => openSource(db, plan, kind)).sort((a, b) => a.rank - b.rank);
  for (const s of sources) await s.fetch();
  for (;;) {
    let best: Source | undefined;
    for (const s of sources) {
      const head = s.page[s.next];
      if (!head) continue;
      const bestHead = best?.page[best.next];
      if (!bestHead || head.micros < bestHead.micros) best = s;
    }
    if (!best) return;
    const item = best.page[best.next] as { event: ReplayEvent };
    best.next += 1;
    if (best.next >= best.page.length && !best.done) await best.fetch();
    else if (best.next >= best.page.length) best.page = [];
    yield item.event;
  }
}
