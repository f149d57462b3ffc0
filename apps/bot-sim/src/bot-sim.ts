// The main job: a simulated market-making bot writing into ag-storage, as a
// fleet: several strategies on shared markets, each in a live and a paper
// account (sim-fleet.ts). startBotSim() opens storage (embedded under .data/
// unless a URL says otherwise), migrates, registers its accounts and
// strategies, serves the API and dashboard at once, backfills the
// history it lacks (or only the gap since its last run), compresses old
// chunks, then runs live: metrics through the buffered pipeline, orders,
// fills, positions, candles, events, market trades and quotes (the last
// few hours of the backfill and the live phase) through the stores; where
// the engine has continuous aggregates, the candles of those hours are built
// from the trades; the lifecycle
// scheduler on, a summary line every few seconds. stop() flushes everything
// and closes cleanly.

import { createStorage, type LogLevel, type Storage } from '@ag/storage-core';
import { createApiServer, type ApiServer } from '@ag/storage-http';
import { openStorageServices, type StorageServices } from '@ag/storage-services';
import { RetentionScheduler } from '@ag/storage-retention';
import {
  SIMULATED_MARKETS,
  TradingSimulation,
  backfill,
  cancelStaleOrders,
  emptyCounts,
  findResumePoint,
  type BackfillReport,
  type SimulationSettings,
  type WrittenCounts,
} from '@ag/trading-simulation';
import { LiveLoop } from './live-loop.js';
import { RunSummarizer, formatSummary, type RunSummary } from './run-summary.js';
import { registerSimFleet, simFleet } from './sim-fleet.js';
import type { IngestStats } from '@ag/storage-metrics';

export interface BotSimOptions {
  /** Database URL; default DATABASE_URL, else the embedded database under .data/. */
  url?: string;
  configFile?: string;
  /** Serve the API and dashboard (default true). */
  serve: boolean;
  /** 0 picks a free port. */
  port: number;
  host: string;
  /** Bearer token every /api route requires (API_TOKEN). */
  apiToken?: string;
  backfillDays: number;
  markets: number;
  /** Market-making strategies, each in a live and a paper account of every venue (1-8). */
  strategies: number;
  seed: number;
  /** Length of the live phase in seconds; undefined runs until stop(). */
  durationSec?: number;
  summaryEverySec: number;
  tickMs: number;
  /** Chunks older than this are compressed after the backfill and by the scheduler. */
  compressAfterDays: number;
  /**
   * Seconds between the start of the live phase and the lifecycle
   * scheduler's start. Its first pass refreshes the rollups over the whole
   * backfill, which holds the embedded engine's one connection for a few
   * seconds: not while someone opens the dashboard for the first time.
   */
  schedulerDelaySec: number;
  botName: string;
  logLevel: LogLevel;
  /** Where summary and progress lines go (default console.log). */
  print: (line: string) => void;
}

export const DEFAULT_BOT_SIM_OPTIONS: BotSimOptions = {
  serve: true,
  port: 3000,
  host: '127.0.0.1',
  backfillDays: 7,
  markets: 4,
  strategies: 2,
  seed: 1,
  summaryEverySec: 10,
  tickMs: 250,
  compressAfterDays: 1,
  schedulerDelaySec: 60,
  botName: 'sim-bot',
  logLevel: 'warn',
  print: (line) => console.log(line),
};

/** The pace of the live phase: fine steps, every order state change reported, forming candles upserted. */
const LIVE_SETTINGS: Partial<SimulationSettings> = {
  stepMs: 250,
  metricEveryMs: 250,
  positionEveryMs: 10_000,
  quoteEveryMs: 30_000,
  lifecycle: 'live',
  emitOpenBars: true,
};

/** How far back the backfill prints market trades and quotes (the whole backfill would be millions of ticks). */
export const TICK_HISTORY_MS = 3 * 3_600_000;

export const MAX_STRATEGIES = 8;
const BOT_NAME = /^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/;

export interface BotSimReport {
  backfill: BackfillReport | null;
  /** Rows the live phase wrote (points: accepted by the buffer). */
  live: WrittenCounts;
  /** Points the pipeline stored (new or already there) during the live phase: equals live.points when nothing was lost. */
  liveFlushedPoints: number;
  ingest: IngestStats;
  summary: RunSummary | null;
  cancelledStaleOrders: number;
}

export interface BotSimHandle {
  /** The dashboard's URL, when serving. */
  readonly url: string | null;
  readonly services: StorageServices;
  /** Resolves when the run ends (duration reached or stop()). */
  readonly done: Promise<BotSimReport>;
  stop(): Promise<BotSimReport>;
}

export async function startBotSim(overrides: Partial<BotSimOptions> = {}): Promise<BotSimHandle> {
  const options: BotSimOptions = { ...DEFAULT_BOT_SIM_OPTIONS, ...overrides };
  const { print } = options;
  if (options.markets < 1 || options.markets > SIMULATED_MARKETS.length) {
    throw new RangeError(`markets must be between 1 and ${SIMULATED_MARKETS.length}, got ${options.markets}`);
  }
  if (!Number.isInteger(options.strategies) || options.strategies < 1 || options.strategies > MAX_STRATEGIES) {
    throw new RangeError(`strategies must be between 1 and ${MAX_STRATEGIES}, got ${options.strategies}`);
  }
  if (!BOT_NAME.test(options.botName)) throw new RangeError(`botName: letters, digits, "-" and "_" (at most 64), got ${JSON.stringify(options.botName)}`);
  const storage = await createStorage({
    ...(options.url ? { url: options.url } : {}),
    ...(options.configFile ? { configFile: options.configFile } : {}),
    config: { logging: { level: options.logLevel } },
  });
  let server: ApiServer | undefined;
  try {
    const migration = await storage.migrate();
    const services = openStorageServices(storage, { retention: { compression_after_days: options.compressAfterDays } });
    const health = await storage.health();
    print(
      `[bot-sim] ${health.engine} ${health.url} | PostgreSQL ${health.serverVersion} | ` +
        `${health.timescale ? `TimescaleDB ${health.timescale.version} (${health.timescale.license})` : 'no TimescaleDB'} | ` +
        `migrations ${health.migrations.applied} applied (${migration.applied.length} now)`,
    );
    let url: string | null = null;
    if (options.serve) {
      server = await createApiServer(services, { ...(options.apiToken ? { token: options.apiToken } : {}), logger: false });
      await server.listen({ port: options.port, host: options.host });
      const address = server.server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}/`;
      print(`[bot-sim] dashboard and API on ${url}${options.apiToken ? ' (API_TOKEN required on /api)' : ''}`);
    }
    return new BotSimRun(options, storage, services, server, url).begin();
  } catch (error) {
    await server?.close().catch(() => undefined);
    await storage.close().catch(() => undefined);
    throw error;
  }
}

class BotSimRun implements BotSimHandle {
  readonly done: Promise<BotSimReport>;
  private resolveDone!: (report: BotSimReport) => void;
  private rejectDone!: (error: unknown) => void;
  private readonly abort = new AbortController();
  private stopping: Promise<BotSimReport> | undefined;
  private live: LiveLoop | undefined;
  private scheduler: RetentionScheduler | undefined;
  private summaryTimer: NodeJS.Timeout | undefined;
  private durationTimer: NodeJS.Timeout | undefined;
  private schedulerTimer: NodeJS.Timeout | undefined;
  /** Points stored (written or found duplicate) when the live phase began. */
  private liveBaseline = 0;
  private backfillReport: BackfillReport | null = null;
  private cancelled = 0;
  private summarizer: RunSummarizer;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: BotSimOptions,
    private readonly storage: Storage,
    readonly services: StorageServices,
    private readonly server: ApiServer | undefined,
    readonly url: string | null,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    this.done.catch(() => undefined);
    this.summarizer = new RunSummarizer(services, null);
  }

  begin(): this {
    this.running = this.run().catch((error: unknown) => {
      this.options.print(`[bot-sim] failed: ${(error as Error).message}`);
      void this.shutdown().then(
        () => this.rejectDone(error),
        () => this.rejectDone(error),
      );
    });
    return this;
  }

  stop(): Promise<BotSimReport> {
    this.stopping ??= (async () => {
      this.abort.abort();
      await this.running;
      return this.shutdown();
    })();
    this.stopping.then(this.resolveDone, this.rejectDone);
    return this.stopping;
  }

  private async run(): Promise<void> {
    const { options, services } = this;
    const markets = SIMULATED_MARKETS.slice(0, options.markets);
    const fleet = simFleet(options.botName, options.strategies, markets);
    await registerSimFleet(services, fleet, markets);
    const now = Date.now();
    const resume = await findResumePoint(services, markets, now, options.backfillDays, fleet.traders);
    const ticksFrom = Math.max(resume.startTime, now - TICK_HISTORY_MS);
    this.cancelled = await cancelStaleOrders(services, markets, options.botName, now);
    const simulation = new TradingSimulation({
      markets,
      seed: options.seed,
      startTime: resume.startTime,
      botName: options.botName,
      traders: fleet.traders,
      initialState: resume.initialState,
      ticksFrom,
    });
    // Where the engine maintains candles from trades (continuous aggregates), the bars of the tick hours are those.
    const write = services.storage.capabilities.continuousAggregates ? { tradeCandlesSince: ticksFrom } : {};
    if (this.abort.signal.aborted) return;

    if (now - resume.startTime >= 60_000) {
      const from = new Date(resume.startTime).toISOString();
      options.print(`[bot-sim] backfill from ${from} (${resume.latestStored === null ? 'empty database' : 'topping up since the last run'})`);
      let lastPrinted = 0;
      this.backfillReport = await backfill(services, simulation, Date.now(), {
        signal: this.abort.signal,
        write,
        // Readers first: while the dashboard's requests are in flight, the next slice waits (at most 2 s).
        beforeSlice: () => this.server?.whenIdle(2_000) ?? Promise.resolve(),
        onProgress: (p) => {
          if (p.done !== p.total && performance.now() - lastPrinted < 2_000) return;
          lastPrinted = performance.now();
          options.print(`[bot-sim] backfill ${Math.round((100 * p.done) / p.total)}% (back to ${p.reached.toISOString()}): ${p.written.points.toLocaleString('en-US')} points, ${p.written.orders} orders, ${p.written.fills} fills, ${p.written.candles} candles`);
        },
      });
      const r = this.backfillReport;
      options.print(`[bot-sim] backfill done in ${(r.durationMs / 1000).toFixed(1)} s: ${r.written.points.toLocaleString('en-US')} points, ${r.written.orders} orders, ${r.written.fills} fills, ${r.written.positions} positions, ${r.written.funding} funding payments, ${r.written.candles} candles, ${r.written.events} events, ${r.written.trades} trades, ${r.written.quotes} quotes`);
      if (this.abort.signal.aborted) return;
      const compression = await services.retention.compressOldData();
      if (compression.supported) {
        const chunks = compression.tables.reduce((n, t) => n + t.chunksCompressed, 0);
        options.print(`[bot-sim] compressed ${chunks} chunk(s) older than ${compression.olderThan.toISOString()} in ${compression.durationMs} ms`);
      }
    } else {
      options.print(`[bot-sim] history is up to date (newest ${new Date(resume.latestStored ?? now).toISOString()}); no backfill`);
    }
    if (this.cancelled) options.print(`[bot-sim] cancelled ${this.cancelled} working order(s) left by an earlier run`);
    if (this.abort.signal.aborted) return;

    this.scheduler = new RetentionScheduler(services.retention, {
      onTaskRun: (run) => {
        if (run.status === 'failed') options.print(`[bot-sim] lifecycle task ${run.task} failed: ${run.error?.message}`);
      },
    });
    services.scheduler = this.scheduler;
    const scheduler = this.scheduler;
    this.schedulerTimer = setTimeout(() => {
      if (!this.abort.signal.aborted) scheduler.start();
    }, options.schedulerDelaySec * 1000);
    this.schedulerTimer.unref();
    this.liveBaseline = storedPoints(services);
    simulation.configure(LIVE_SETTINGS);
    this.summarizer = new RunSummarizer(services, fleet);
    this.live = new LiveLoop(services, simulation, {
      tickMs: options.tickMs,
      write,
      onError: (error) => options.print(`[bot-sim] live tick failed: ${(error as Error).message}`),
    }).start();
    options.print(`[bot-sim] live: ${markets.length} markets, ${fleet.strategies.length} strategies in a live and a paper account, a tick every ${options.tickMs} ms${options.durationSec !== undefined ? `, for ${options.durationSec} s` : '; Ctrl-C stops'}`);
    this.summaryTimer = setInterval(() => void this.printSummary('live'), options.summaryEverySec * 1000);
    if (options.durationSec !== undefined) this.durationTimer = setTimeout(() => void this.stop(), options.durationSec * 1000);
  }

  private async printSummary(phase: string): Promise<RunSummary | null> {
    try {
      const summary = await this.summarizer.summarize();
      this.options.print(formatSummary(summary, phase));
      return summary;
    } catch (error) {
      this.options.print(`[bot-sim] summary failed: ${(error as Error).message}`);
      return null;
    }
  }

  private async shutdown(): Promise<BotSimReport> {
    clearInterval(this.summaryTimer);
    clearTimeout(this.durationTimer);
    clearTimeout(this.schedulerTimer);
    const { services, options } = this;
    await this.live?.stop();
    await services.metrics.close();
    await this.scheduler?.stop();
    const summary = await this.printSummary('stopped');
    await this.server?.close();
    await this.storage.close();
    const ingest = services.metrics.stats();
    const liveFlushed = this.live ? storedPoints(services) - this.liveBaseline : 0;
    options.print(
      `[bot-sim] stopped: ${ingest.accepted.toLocaleString('en-US')} live points accepted, ${liveFlushed.toLocaleString('en-US')} flushed, ` +
        `${ingest.bufferDepth} left in the buffer, ${ingest.deadLettered} dead-lettered`,
    );
    return {
      backfill: this.backfillReport,
      liveFlushedPoints: liveFlushed,
      live: this.live ? { ...this.live.written } : emptyCounts(),
      ingest,
      summary,
      cancelledStaleOrders: this.cancelled,
    };
  }
}

function storedPoints(services: StorageServices): number {
  const stats = services.metrics.stats();
  return stats.written + stats.duplicates;
}
