// @ag/trading-simulation: reproducible simulated markets and bot output
// (orders, fills, positions, funding, candles, metrics, events), metric
// series sets, and the backfill that writes a simulated span into storage.
// The simulated bot and the CLI use it at run time; @ag/storage-testing
// re-exports the generators for tests. No test framework is loaded from here.

export { seededRandom, hash32, normalDeviate } from './seeded-random.js';
export { generateSeriesSet, type GeneratedSeries } from './metric-series-sets.js';
export {
  TradingSimulation,
  SIMULATED_MARKETS,
  BOT_METRICS,
  type SimulatedMarketSpec,
  type SimulationOptions,
  type SimulationSettings,
  type SimulationOutput,
  type MarketStartState,
  type TraderStartState,
  type SimulatedTrader,
  DEFAULT_TRADER,
  type SimOrder,
  type SimFill,
  type SimPosition,
  type SimFunding,
  type SimCandle,
  type SimTrade,
  type SimQuote,
  emptyOutput,
  type SimPoint,
  type SimEvent,
  type SimSide,
} from './trading-simulation.js';
export { backfill, splitByPeriod, type BackfillOptions, type BackfillProgress, type BackfillReport } from './backfill.js';
export { findResumePoint, cancelStaleOrders, type ResumePoint } from './resume-point.js';
export { writeSimulationOutput, emptyCounts, addCounts, type WrittenCounts, type WriteOutputOptions } from './write-simulation-output.js';
