// Label sets of realistic trading-bot metric series (metric, venue, market,
// topic, bot), distinct and reproducible from a seed: the ingest and query
// benchmarks write them, and `ag-storage seed --series` uses them for the
// series beyond the simulated bot's own.

import { hash32 } from './seeded-random.js';

export interface GeneratedSeries {
  name: string;
  labels: Record<string, string>;
}

const METRICS = ['bot.pnl', 'bot.position', 'book.spread_bps', 'book.depth', 'order.latency_ms', 'feed.lag_ms', 'risk.exposure', 'strategy.signal'];
const VENUES = ['binance', 'coinbase', 'kraken', 'okx', 'bybit'];
const MARKETS = ['BTC-USD', 'ETH-USD', 'SOL-USD', 'XRP-USD', 'DOGE-USD', 'ADA-USD', 'AVAX-USD', 'LINK-USD', 'DOT-USD', 'MATIC-USD'];
const TOPICS = ['trades', 'book', 'ticker', 'fills'];

/** `count` distinct series (at most 1,600 label sets exist per metric), the same for the same seed. */
export function generateSeriesSet(count: number, seed = 42): GeneratedSeries[] {
  const out: GeneratedSeries[] = [];
  const seen = new Set<string>();
  for (let i = 0; out.length < count; i += 1) {
    const h = hash32(seed, i);
    const series = {
      name: METRICS[h % METRICS.length] as string,
      labels: {
        venue: VENUES[(h >>> 4) % VENUES.length] as string,
        market: MARKETS[(h >>> 8) % MARKETS.length] as string,
        topic: TOPICS[(h >>> 12) % TOPICS.length] as string,
        bot: `bot-${(h >>> 16) % 8}`,
      },
    };
    const key = JSON.stringify(series);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(series);
  }
  return out;
}
