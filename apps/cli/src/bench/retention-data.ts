// Generated data for `bench retention`: realistic metrics (random walks with
// two decimals, one series per host/region/metric label set) and execution
// data (orders with fills, position snapshots), bulk-loaded with COPY.

import { copyTextValue, type Storage } from '@ag/storage-core';
import { seededRandom } from '@ag/trading-simulation';

const MINUTE = 60_000;
const DAY = 86_400_000;

export { seededRandom };

const METRICS = ['cpu.load', 'mem.used_mb', 'rtds.lag_ms', 'orderbook.depth', 'ws.messages'];

/** `count` series with labels, ids 1..count. */
export async function insertSeries(storage: Storage, count: number): Promise<void> {
  const lines: string[] = [];
  for (let id = 1; id <= count; id += 1) {
    const labels = JSON.stringify({ host: `bot-${id % 50}`, region: ['eu', 'us', 'ap'][id % 3], venue: ['binance', 'polymarket', 'kraken'][id % 3], shard: String(id) });
    lines.push(`${id}\t${copyTextValue(METRICS[id % METRICS.length]!)}\t${copyTextValue(labels)}\n`);
  }
  await storage.engine.copyFrom('COPY metric_series (id, metric_name, labels) FROM STDIN', lines);
  await storage.execute(`SELECT setval('metric_series_id_seq', $1)`, [count]);
}

/**
 * Points every `stepMs` for `days` days up to `end`, for series 1..series: a
 * random walk per series rounded to two decimals. Returns the rows written.
 */
export async function insertRandomWalkPoints(storage: Storage, options: { series: number; days: number; stepMs: number; end: Date }): Promise<number> {
  const random = seededRandom(42);
  const start = options.end.getTime() - options.days * DAY;
  const steps = Math.floor((options.days * DAY) / options.stepMs);
  let rows = 0;
  const seriesPerBatch = Math.max(1, Math.floor(200_000 / steps));
  for (let first = 1; first <= options.series; first += seriesPerBatch) {
    const lines: string[] = [];
    for (let id = first; id < Math.min(first + seriesPerBatch, options.series + 1); id += 1) {
      let value = 50 + random() * 100;
      for (let k = 0; k < steps; k += 1) {
        value = Math.max(0, value + (random() - 0.5) * 2);
        lines.push(`${new Date(start + k * options.stepMs).toISOString()}\t${id}\t${(Math.round(value * 100) / 100).toString()}\n`);
      }
    }
    rows += await storage.engine.copyFrom('COPY metric_points (time, series_id, value) FROM STDIN', lines);
  }
  return rows;
}

/** Orders (each with `fillsPerOrder` fills) over `days` days, on `markets` markets. Returns [orders, fills]. */
export async function insertExecution(storage: Storage, options: { orders: number; fillsPerOrder: number; markets: number; days: number; end: Date }): Promise<[number, number]> {
  const random = seededRandom(7);
  const start = options.end.getTime() - options.days * DAY;
  const spacing = (options.days * DAY) / options.orders;
  let orderLines: string[] = [];
  let fillLines: string[] = [];
  let orders = 0;
  let fills = 0;
  const flush = async () => {
    orders += await storage.engine.copyFrom(
      'COPY orders (id, time, venue, market, side, order_type, price, size, filled_size, status, client_order_id, updated_at) FROM STDIN',
      orderLines,
    );
    fills += await storage.engine.copyFrom(
      'COPY fills (id, time, order_id, venue, market, side, price, size, fee, fee_currency, venue_fill_id) FROM STDIN',
      fillLines,
    );
    orderLines = [];
    fillLines = [];
  };
  for (let i = 0; i < options.orders; i += 1) {
    const time = new Date(start + i * spacing);
    const market = `MKT-${i % options.markets}/USDT`;
    const side = random() < 0.5 ? 'buy' : 'sell';
    const price = (1000 + (i % options.markets) * 10 + random() * 5).toFixed(8);
    const size = (0.01 + random()).toFixed(6);
    const id = uuid(i, 1);
    const updated = new Date(time.getTime() + options.fillsPerOrder * 1000).toISOString();
    orderLines.push(`${id}\t${time.toISOString()}\tbinance\t${market}\t${side}\tlimit\t${price}\t${size}\t${size}\tfilled\tc-${i}\t${updated}\n`);
    for (let f = 0; f < options.fillsPerOrder; f += 1) {
      const fillSize = (Number(size) / options.fillsPerOrder).toFixed(8);
      const fee = (Number(price) * Number(fillSize) * 0.001).toFixed(10);
      fillLines.push(`${uuid(i * options.fillsPerOrder + f, 2)}\t${new Date(time.getTime() + (f + 1) * 1000).toISOString()}\t${id}\tbinance\t${market}\t${side}\t${price}\t${fillSize}\t${fee}\tUSDT\tvf-${i}-${f}\n`);
    }
    if (orderLines.length >= 20_000) await flush();
  }
  await flush();
  return [orders, fills];
}

/** Position snapshots every `stepMs` for `markets` markets over `days` days. */
export async function insertPositions(storage: Storage, options: { markets: number; days: number; stepMs: number; end: Date }): Promise<number> {
  const random = seededRandom(11);
  const start = options.end.getTime() - options.days * DAY;
  const steps = Math.floor((options.days * DAY) / options.stepMs);
  let rows = 0;
  for (let m = 0; m < options.markets; m += 1) {
    const lines: string[] = [];
    let size = 0;
    let realized = 0;
    for (let k = 0; k < steps; k += 1) {
      if (random() < 0.1) size = Math.round((size + (random() - 0.5)) * 1e6) / 1e6;
      if (random() < 0.05) realized = Math.round((realized + (random() - 0.45) * 10) * 100) / 100;
      const unrealized = (Math.round((random() - 0.5) * 500) / 100).toFixed(2);
      lines.push(`${new Date(start + k * options.stepMs).toISOString()}\tbinance\tMKT-${m}/USDT\t${size}\t1000.5\t${unrealized}\t${realized}\n`);
    }
    rows += await storage.engine.copyFrom('COPY positions (time, venue, market, size, avg_entry_price, unrealized_pnl, realized_pnl) FROM STDIN', lines);
  }
  return rows;
}

function uuid(n: number, kind: number): string {
  return `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

export { MINUTE, DAY };
