// The dashboard in a real browser: Debian's Chromium (/usr/bin/chromium,
// driven by playwright-core; no browser is ever downloaded) loads the page
// of a running bot-sim with a backfilled history, waits for the charts to be
// drawn with data, checks there were no console errors, and saves a
// screenshot under test-results/ (with UPDATE_SCREENSHOT=1 also the one the
// README shows, docs/dashboard.png, so a test run leaves the tree clean).
// Skipped, saying why, when Chromium is not installed (apt-get install chromium).

import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startBotSim, type BotSimHandle } from '../src/index.js';

const CHROMIUM = '/usr/bin/chromium';
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SCREENSHOT = path.join(REPO, 'test-results', 'dashboard.png');
const README_SCREENSHOT = path.join(REPO, 'docs', 'dashboard.png');
const available = existsSync(CHROMIUM);
const title = available ? 'dashboard in Chromium' : `dashboard in Chromium (skipped: ${CHROMIUM} is not installed; apt-get install chromium)`;

interface DashboardState {
  refreshes: number;
  errors: string[];
  charts: Record<string, { points: number; series?: number; trades?: number; quotes?: number }>;
  tables?: Record<string, number>;
}

const strategyOption = 'sim-bot.mm-1';

describe.skipIf(!available)(title, () => {
  let dataDir: string;
  let profileDir: string;
  let bot: BotSimHandle;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'ag-dashboard-'));
    profileDir = mkdtempSync(path.join(os.tmpdir(), 'ag-chromium-'));
    bot = await startBotSim({ url: `pglite://${dataDir}`, port: 0, backfillDays: 3, markets: 4, summaryEverySec: 3600, schedulerDelaySec: 3600, print: () => undefined });
    // A fresh profile directory per run (playwright passes it as --user-data-dir).
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 1000 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
  });

  afterAll(async () => {
    await context?.close();
    await bot?.stop();
    for (const dir of [dataDir, profileDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('draws every chart with data, fills the tables, logs no errors, and saves the screenshot', async () => {
    await page.goto(bot.url as string);
    // The backfill is written newest day first while the page refreshes every 5 s.
    await page.waitForFunction(
      () => {
        const s = (globalThis as unknown as { agDashboard?: DashboardState }).agDashboard;
        return Boolean(s && s.refreshes > 0 && s.charts.metrics?.points && s.charts.candles?.points && s.charts.ticks?.trades && s.charts.ticks?.quotes && s.charts.pnl?.points && s.tables?.orders && s.tables?.fills);
      },
      undefined,
      { timeout: 90_000, polling: 500 },
    );
    const state = await page.evaluate(() => (globalThis as unknown as { agDashboard: DashboardState }).agDashboard);
    expect(state.charts.metrics?.series).toBeGreaterThanOrEqual(4);
    expect(state.charts.metrics?.points).toBeGreaterThan(0);
    expect(state.charts.candles?.points).toBeGreaterThan(0);
    expect(state.charts.pnl?.points).toBeGreaterThan(0);
    // Trades and quotes: trade prices, bid and ask of the picked market, from the backfill's tick hours.
    expect(state.charts.ticks?.trades).toBeGreaterThan(100);
    expect(state.charts.ticks?.quotes).toBeGreaterThan(100);
    expect(state.charts.ticks?.points).toBeGreaterThanOrEqual((state.charts.ticks?.trades ?? 0) + 2 * (state.charts.ticks?.quotes ?? 0));
    expect(await page.locator('#tick-source').textContent()).toMatch(/^\d+ trades, \d+ quotes$/);
    // 4 markets (binance x 2, coinbase, kraken) x 2 strategies x a live and a paper account.
    expect(state.tables?.positions).toBe(16);
    // 2 strategies x (live and paper at 3 venues).
    expect(state.tables?.strategyPnl).toBe(12);
    expect(state.errors).toEqual([]);
    for (const id of ['metric-chart', 'candle-chart', 'tick-chart', 'pnl-chart']) {
      expect(await page.locator(`#${id} canvas`).count(), id).toBeGreaterThan(0);
      expect(Number(await page.locator(`#${id}`).getAttribute('data-points')), id).toBeGreaterThan(0);
    }
    expect(await page.locator('#cards .card').count()).toBeGreaterThan(4);
    // The strategy picker narrows every execution table to that strategy.
    const before = state.refreshes;
    await page.selectOption('#strategy', strategyOption);
    await page.waitForFunction(
      (n) => ((globalThis as unknown as { agDashboard: DashboardState }).agDashboard.refreshes ?? 0) > n,
      before,
      { timeout: 30_000, polling: 200 },
    );
    await page.waitForFunction(() => (globalThis as unknown as { agDashboard: DashboardState }).agDashboard.tables?.positions === 8, undefined, { timeout: 30_000, polling: 200 });
    const narrowed = await page.evaluate(() => (globalThis as unknown as { agDashboard: DashboardState }).agDashboard);
    expect(narrowed.tables?.strategyPnl).toBe(6);
    const strategies = await page.locator('#orders tbody tr td:nth-child(2)').allTextContents();
    expect(new Set(strategies)).toEqual(new Set([strategyOption]));
    await page.selectOption('#strategy', '');
    expect(consoleErrors).toEqual([]);
    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
    if (process.env.UPDATE_SCREENSHOT === '1') copyFileSync(SCREENSHOT, README_SCREENSHOT);
  });
});
