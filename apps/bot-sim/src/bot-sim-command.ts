// The main job's command line: `pnpm start [options]` (also `ag-storage
// bot-sim`-style flags): parses and checks the options, starts the bot, and
// turns SIGINT/SIGTERM into a clean stop (a second signal exits at once).

import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_BOT_SIM_OPTIONS, startBotSim, type BotSimOptions } from './bot-sim.js';

function botName(value: string): string {
  if (!/^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/.test(value)) throw new InvalidArgumentError('--bot: letters, digits, "-" and "_" (at most 64)');
  return value;
}

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

export function buildBotSimCommand(env: NodeJS.ProcessEnv = process.env): Command {
  const defaults = DEFAULT_BOT_SIM_OPTIONS;
  return new Command('bot-sim')
    .description('the main job: a simulated market-making bot writing into ag-storage, with the API and dashboard')
    .option('--url <url>', 'database URL (default DATABASE_URL, else the embedded database under .data/)')
    .option('--config <file>', 'YAML configuration file')
    .option('--port <port>', 'API and dashboard port (PORT; 0 = any free port)', integer('--port', 0, 65535), env.PORT ? Number(env.PORT) : defaults.port)
    .option('--host <host>', 'address to listen on (HOST)', env.HOST ?? defaults.host)
    .option('--no-serve', 'do not serve the API and dashboard')
    .option('--backfill-days <days>', 'days of history to backfill into an empty database', integer('--backfill-days', 0, 365), defaults.backfillDays)
    .option('--markets <n>', 'markets to simulate (1-8)', integer('--markets', 1, 8), defaults.markets)
    .option('--strategies <n>', 'market-making strategies on the shared markets, each in a live and a paper account (1-8)', integer('--strategies', 1, 8), defaults.strategies)
    .option('--bot <name>', 'the bot\'s name: strategy ids, labels, client order ids; two processes on one database need two names', botName, defaults.botName)
    .option('--seed <n>', 'random seed (same seed, same history)', integer('--seed', 0, 2 ** 31), defaults.seed)
    .option('--duration <seconds>', 'stop after this many seconds of live running', integer('--duration', 0, 365 * 86_400))
    .option('--summary-every <seconds>', 'seconds between summary lines', integer('--summary-every', 1, 86_400), defaults.summaryEverySec)
    .option('--tick <ms>', 'milliseconds between live ticks', integer('--tick', 10, 60_000), defaults.tickMs)
    .option('--compress-after-days <days>', 'compress chunks older than this', integer('--compress-after-days', 1, 36_500), defaults.compressAfterDays)
    .option('--scheduler-delay <seconds>', 'seconds of live running before the lifecycle scheduler starts', integer('--scheduler-delay', 0, 86_400), defaults.schedulerDelaySec)
    .option('--verbose', 'log at info level')
    .showHelpAfterError()
    .exitOverride();
}

export function parseBotSimArguments(argv: string[], env: NodeJS.ProcessEnv = process.env): Partial<BotSimOptions> {
  const command = buildBotSimCommand(env);
  // `pnpm start -- --duration 60`: pnpm 10 passes the `--` on; it only
  // separates pnpm's options from the script's, so it is not ours to read.
  command.parse(argv[0] === '--' ? argv.slice(1) : argv, { from: 'user' });
  const o = command.opts<{
    url?: string; config?: string; port: number; host: string; serve: boolean; backfillDays: number; markets: number; strategies: number; bot: string; seed: number;
    duration?: number; summaryEvery: number; tick: number; compressAfterDays: number; schedulerDelay: number; verbose?: boolean;
  }>();
  return {
    ...(o.url ? { url: o.url } : {}),
    ...(o.config ? { configFile: o.config } : {}),
    ...(env.API_TOKEN ? { apiToken: env.API_TOKEN } : {}),
    port: o.port,
    host: o.host,
    serve: o.serve,
    backfillDays: o.backfillDays,
    markets: o.markets,
    strategies: o.strategies,
    botName: o.bot,
    seed: o.seed,
    ...(o.duration !== undefined ? { durationSec: o.duration } : {}),
    summaryEverySec: o.summaryEvery,
    tickMs: o.tick,
    compressAfterDays: o.compressAfterDays,
    schedulerDelaySec: o.schedulerDelay,
    logLevel: o.verbose ? 'info' : 'warn',
  };
}

/** Runs the main job until its duration ends or a signal arrives; returns the exit code. */
export async function runBotSimCommand(argv: string[]): Promise<number> {
  const options = parseBotSimArguments(argv);
  const bot = await startBotSim(options);
  // Ctrl-C reaches this process twice at once (from the terminal, and relayed
  // by tsx/pnpm): only a signal more than a second after the first forces an exit.
  let firstSignalAt = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstSignalAt === 0) {
      firstSignalAt = Date.now();
      console.log(`[bot-sim] ${signal}: flushing and stopping... (again to exit at once)`);
      void bot.stop();
    } else if (Date.now() - firstSignalAt > 1_000) {
      console.error(`[bot-sim] ${signal} again: exiting without flushing`);
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await bot.done;
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
