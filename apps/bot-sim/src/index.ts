// @ag/bot-sim: the main job as a library (the CLI's `seed` reuses its backfill).

export { startBotSim, DEFAULT_BOT_SIM_OPTIONS, MAX_STRATEGIES, type BotSimOptions, type BotSimHandle, type BotSimReport } from './bot-sim.js';
export { parseBotSimArguments, buildBotSimCommand, runBotSimCommand } from './bot-sim-command.js';
export { backfill, splitByPeriod, type BackfillOptions, type BackfillProgress, type BackfillReport } from './backfill.js';
export { findResumePoint, cancelStaleOrders, type ResumePoint } from './resume-point.js';
export { writeSimulationOutput, emptyCounts, addCounts, type WrittenCounts } from './write-simulation-output.js';
export { RunSummarizer, formatSummary, SUMMARY_TABLES, type RunSummary, type StrategyPnl } from './run-summary.js';
export { simFleet, registerSimFleet, accountId, strategyId, FLEET_MODES, type SimFleet } from './sim-fleet.js';
