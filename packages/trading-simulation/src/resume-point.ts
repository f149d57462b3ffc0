// Where the simulated bot picks up from what the database already holds: the
// newest 1m candle of each market says up to when history exists, its close
// and each trader's latest position snapshot say where the market and the
// inventories stood, and the stored hour bar keeps its open/high/low.
// Working orders a previous run of this bot left behind are cancelled (a bot
// cancels its stale quotes on start).

import type { StorageServices } from '@ag/storage-services';
import { DEFAULT_TRADER, type MarketStartState, type SimulatedMarketSpec, type SimulatedTrader, type TraderStartState } from './trading-simulation.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;

export interface ResumePoint {
  /** Where the simulation starts (epoch ms, on a minute boundary). */
  startTime: number;
  /** Newest stored history, or null for an empty database. */
  latestStored: number | null;
  initialState: Record<string, MarketStartState>;
}

/**
 * Backfill from `now - backfillDays`, or from the minute after the newest
 * stored candle when that is later (a restart tops up only the gap).
 */
export async function findResumePoint(
  services: StorageServices,
  markets: readonly SimulatedMarketSpec[],
  now: number,
  backfillDays: number,
  traders: readonly SimulatedTrader[] = [DEFAULT_TRADER],
): Promise<ResumePoint> {
  const earliest = Math.floor((now - backfillDays * 86_400_000) / MINUTE) * MINUTE;
  const initialState: Record<string, MarketStartState> = {};
  let latestStored: number | null = null;
  for (const spec of markets) {
    const [bar] = await services.marketData.getLatestCandles({ venue: spec.venue, symbol: spec.market, timeframe: '1m', count: 1 });
    if (!bar) continue;
    const barTime = bar.time.getTime();
    latestStored = latestStored === null ? barTime : Math.min(latestStored, barTime);
    const positions: Record<string, TraderStartState> = {};
    for (const trader of traders) {
      const account = trader.accountAt(spec.venue);
      const position = await services.executions.getLatestPosition(spec.venue, spec.market, { account, strategy: trader.strategy });
      positions[`${account}/${trader.strategy}`] = {
        inventory: position ? Number(position.size) : 0,
        avgEntryPrice: position?.avgEntryPrice ? Number(position.avgEntryPrice) : null,
        realizedPnl: position ? Number(position.realizedPnl) : 0,
      };
    }
    initialState[`${spec.venue}/${spec.market}`] = { price: Number(bar.close), traders: positions };
  }
  const startTime = latestStored === null ? earliest : Math.max(earliest, latestStored + MINUTE);
  for (const spec of markets) {
    const state = initialState[`${spec.venue}/${spec.market}`];
    if (!state) continue;
    const [hour] = await services.marketData.getLatestCandles({ venue: spec.venue, symbol: spec.market, timeframe: '1h', count: 1 });
    if (hour && hour.time.getTime() === Math.floor(startTime / HOUR) * HOUR) {
      state.hourBar = {
        start: hour.time.getTime(),
        open: Number(hour.open),
        high: Number(hour.high),
        low: Number(hour.low),
        close: Number(hour.close),
        volume: Number(hour.volume),
      };
    }
  }
  return { startTime, latestStored, initialState };
}

/** Cancels the working orders of earlier runs of this bot; returns how many. */
export async function cancelStaleOrders(services: StorageServices, markets: readonly SimulatedMarketSpec[], botName: string, now: number): Promise<number> {
  const stale = [];
  for (const spec of markets) {
    const active = await services.executions.getActiveOrders({ venue: spec.venue, market: spec.market });
    stale.push(...active.filter((order) => order.clientOrderId.startsWith(`${botName}-`)));
  }
  if (stale.length === 0) return 0;
  await services.executions.storeOrders(
    stale.map((order) => ({
      clientOrderId: order.clientOrderId,
      account: order.accountId,
      strategy: order.strategyId,
      time: order.time,
      venue: order.venue,
      market: order.market,
      side: order.side,
      orderType: order.orderType,
      price: order.price,
      size: order.size,
      status: 'cancelled' as const,
      stateTime: new Date(Math.max(now, order.time.getTime())),
    })),
  );
  return stale.length;
}
