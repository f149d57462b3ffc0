// A reproducible trading history for the statistics and reconciliation
// suites: per market, a sequence of fills (each on its own filled order) with
// pseudo-random sides, sizes, prices and fees over a few recent days, plus
// orders that never fill. Times are distinct across markets.

import type { FillInput, OrderInput } from '../../src/index.js';
import type { OracleFill } from './rational-ledger.js';

export interface HistoryFill extends OracleFill {
  time: Date;
  venue: string;
  market: string;
  clientOrderId: string;
}

export interface TradingHistory {
  orders: OrderInput[];
  fills: HistoryFill[];
  fillInputs: FillInput[];
}

/** A small deterministic generator (LCG), so every run sees the same history. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export function buildTradingHistory(options: { venue: string; markets: string[]; firstDay: Date; days: number; fillsPerMarket: number; seed: number }): TradingHistory {
  const next = random(options.seed);
  const orders: OrderInput[] = [];
  const fills: HistoryFill[] = [];
  const spanMs = options.days * 86_400_000;
  options.markets.forEach((market, m) => {
    let price = 100 + 50 * m;
    for (let i = 0; i < options.fillsPerMarket; i += 1) {
      // Evenly spread, distinct per market (market m on second offset m).
      const time = new Date(options.firstDay.getTime() + Math.floor((i * spanMs) / options.fillsPerMarket / 1000) * 1000 + m * 100);
      price = Math.max(1, price + (next() - 0.5) * 10);
      const side = next() < 0.5 ? 'buy' : 'sell';
      const size = ['0.5', '1', '1.5', '2', '0.25', '0.125'][Math.floor(next() * 6)] as string;
      const fee = (next() * 0.01).toFixed(6);
      const priceText = price.toFixed(4);
      const clientOrderId = `${options.venue}-${market}-${i}`;
      orders.push({
        clientOrderId, time: new Date(time.getTime() - 500), venue: options.venue, market, side,
        orderType: 'limit', price: priceText, size, status: 'open', stateTime: new Date(time.getTime() - 500),
      });
      fills.push({ time, venue: options.venue, market, clientOrderId, side, price: priceText, size, fee });
    }
    // Orders that never fill: some cancelled, some rejected, some still open.
    for (let i = 0; i < 6; i += 1) {
      const time = new Date(options.firstDay.getTime() + Math.floor(next() * spanMs / 1000) * 1000);
      orders.push({
        clientOrderId: `${options.venue}-${market}-idle-${i}`, time, venue: options.venue, market, side: i % 2 ? 'buy' : 'sell',
        orderType: i === 5 ? 'market' : 'limit', ...(i === 5 ? {} : { price: (90 + i).toFixed(2) }), size: `${i + 1}`,
        status: (['cancelled', 'rejected', 'open', 'expired', 'new', 'cancelled'] as const)[i], stateTime: time,
      });
    }
  });
  const fillInputs: FillInput[] = fills.map((f) => ({
    clientOrderId: f.clientOrderId, venueFillId: `${f.clientOrderId}-fill`, time: f.time, price: f.price, size: f.size, fee: f.fee,
  }));
  return { orders, fills, fillInputs };
}

/** Midnight UTC, `days` days before today. */
export function utcDaysAgo(days: number): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - days));
}
