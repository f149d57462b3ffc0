// `ag-storage seed`: fills the database with a realistic history, the same
// one the main job backfills: random-walk markets, a market maker's orders,
// fills and positions, candles, the bot's metrics and events (plus, with
// --series, more metric series of other bots). Only what is missing is
// written: after the newest stored candle, the history tops up to now.

import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { SIMULATED_MARKETS, TradingSimulation, backfill, findResumePoint, generateSeriesSet } from '@ag/trading-simulation';
import { UsageError } from '../command-errors.js';
import { withServices } from '../open-services.js';
import type { GlobalOptions } from '../open-storage.js';

const SLICE_MS = 6 * 3_600_000;

function wholeNumber(option: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < min || n > max) throw new UsageError(`invalid ${option}: must be a whole number from ${min} to ${max}, got "${value}"`);
  return n;
}

export function registerSeedCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('seed')
    .description('write a realistic generated trading history (markets, orders, fills, positions, candles, metrics, events)')
    .option('--days <n>', 'days of history up to now', '7')
    .option('--markets <n>', `markets to simulate (1-${SIMULATED_MARKETS.length})`, '4')
    .option('--series <n>', 'extra metric series of other bots (fleet.*), besides the 8 per market of the simulated bot', '0')
    .option('--seed <n>', 'random seed: the same seed gives the same history', '1')
    .option('--bot <name>', 'the simulated bot\'s name (labels, events, client order ids)', 'sim-bot')
    .option('--no-progress', 'no progress bar')
    .action(async (options: { days: string; markets: string; series: string; seed: string; bot: string; progress: boolean }) => {
      const days = wholeNumber('--days', options.days, 1, 3650);
      const marketCount = wholeNumber('--markets', options.markets, 1, SIMULATED_MARKETS.length);
      const seriesCount = wholeNumber('--series', options.series, 0, 10_000);
      const seed = wholeNumber('--seed', options.seed, 0, 2 ** 31);
      if (!/^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/.test(options.bot)) throw new UsageError(`invalid --bot: letters, digits, "-" and "_" (at most 64), got "${options.bot}"`);
      const markets = SIMULATED_MARKETS.slice(0, marketCount);
      await withServices(globals(), async (services) => {
        await services.storage.migrate();
        const now = Date.now();
        const resume = await findResumePoint(services, markets, now, days);
        if (now - resume.startTime < 60_000) {
          console.log(`nothing to seed: history is up to date (newest bar ${new Date(resume.latestStored ?? now).toISOString()})`);
          return;
        }
        const simulation = new TradingSimulation({
          markets,
          seed,
          startTime: resume.startTime,
          botName: options.bot,
          initialState: resume.initialState,
          extraSeries: generateSeriesSet(seriesCount, seed).map((s) => ({ name: `fleet.${s.name}`, labels: s.labels })),
        });
        const bar = options.progress ? new SingleBar({ format: 'seeding [{bar}] {percentage}% | {points} points, {orders} orders, {fills} fills', hideCursor: true }) : null;
        bar?.start(Math.max(1, Math.ceil((now - resume.startTime) / SLICE_MS)), 0, { points: 0, orders: 0, fills: 0 });
        const report = await backfill(services, simulation, now, {
          sliceMs: SLICE_MS,
          onProgress: (p) => {
            bar?.setTotal(p.total);
            bar?.update(p.done, { points: p.written.points.toLocaleString('en-US'), orders: p.written.orders, fills: p.written.fills });
          },
        });
        bar?.stop();
        const w = report.written;
        console.log(
          `seeded ${report.from.toISOString()} .. ${report.to.toISOString()} (${resume.latestStored === null ? 'empty database' : 'topped up'}) in ${(report.durationMs / 1000).toFixed(1)} s: ` +
            `${w.points} points, ${w.orders} orders, ${w.fills} fills, ${w.positions} positions, ${w.candles} candles, ${w.events} events`,
        );
      });
    });
}
