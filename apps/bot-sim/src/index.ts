// @ag/bot-sim: the main job as a library (its tests start it in process; the

export { startBotSim, DEFAULT_BOT_SIM_OPTIONS, MAX_STRATEGIES, TICK_HISTORY_MS, type BotSimOptions, type BotSimHandle, type BotSimReport } from './bot-sim.js';
export { parseBotSimArguments, buildBotSimCommand, runBotSimCommand } from './bot-sim-command.js';
export { RunSummarizer, formatSummary, summaryTables, type RunSummary, type StrategyPnl } from './run-summary.js';
export { simFleet, registerSimFleet, accountId, strategyId, FLEET_MODES, type SimFleet } from './sim-fleet.js';
