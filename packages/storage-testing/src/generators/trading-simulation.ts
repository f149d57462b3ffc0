// A simulated market-making bot, as data: per market a random-walk price
// (log-normal steps), a maker quoting a bid and an ask around the mid price
// (skewed by its inventory, suppressed by a risk limit), fills when the price
// crosses a quote, an average-cost position ledger, 1m/1h candles, the
// metrics a bot emits (mid price, spread, inventory, PnL, exposure, feed lag,
// messages/s, order latency) and events (risk decisions, feed lag spikes).
//
// Deterministic: the same seed, start time and settings give the same data.
// `advanceTo(t)` runs the simulation up to t and returns what happened, as
// plain objects shaped like the stores' inputs (OrderInput, FillInput,
// PositionInput, CandleInput, MetricPointInput, EventInput). The main job
// uses it for its backfill and its live loop, `ag-storage seed` for seeding.

import { normalDeviate, seededRandom } from './seeded-random.js';
import type { GeneratedSeries } from './metric-series-sets.js';

export interface SimulatedMarketSpec {
  venue: string;
  market: string;
  /** Quote currency (fees are charged in it). */
  quote: string;
  startPrice: number;
  priceDecimals: number;
  /** Size of each quote, as exact decimal text. */
  quoteSize: string;
  /** |inventory| at which the risk check stops quoting the side that would grow it. */
  maxInventory: number;
  /** Standard deviation of the log price over one minute. */
  volatilityPerMinute: number;
  /** Half the quoted spread, in basis points, when flat. */
  halfSpreadBps: number;
  /** Typical traded volume of the whole market per minute (base units). */
  volumePerMinute: number;
}

export const SIMULATED_MARKETS: readonly SimulatedMarketSpec[] = [
  { venue: 'binance', market: 'BTC-USDT', quote: 'USDT', startPrice: 64_000, priceDecimals: 2, quoteSize: '0.05', maxInventory: 0.2, volatilityPerMinute: 0.0004, halfSpreadBps: 10, volumePerMinute: 25 },
  { venue: 'binance', market: 'ETH-USDT', quote: 'USDT', startPrice: 3_200, priceDecimals: 2, quoteSize: '0.8', maxInventory: 3.2, volatilityPerMinute: 0.0005, halfSpreadBps: 12, volumePerMinute: 300 },
  { venue: 'coinbase', market: 'SOL-USD', quote: 'USD', startPrice: 150, priceDecimals: 3, quoteSize: '12', maxInventory: 48, volatilityPerMinute: 0.0007, halfSpreadBps: 16, volumePerMinute: 4_000 },
  { venue: 'kraken', market: 'XRP-USD', quote: 'USD', startPrice: 0.62, priceDecimals: 5, quoteSize: '2500', maxInventory: 10_000, volatilityPerMinute: 0.0006, halfSpreadBps: 15, volumePerMinute: 600_000 },
  { venue: 'okx', market: 'DOGE-USDT', quote: 'USDT', startPrice: 0.15, priceDecimals: 5, quoteSize: '10000', maxInventory: 40_000, volatilityPerMinute: 0.0008, halfSpreadBps: 18, volumePerMinute: 2_000_000 },
  { venue: 'bybit', market: 'AVAX-USDT', quote: 'USDT', startPrice: 35, priceDecimals: 3, quoteSize: '40', maxInventory: 160, volatilityPerMinute: 0.0007, halfSpreadBps: 16, volumePerMinute: 9_000 },
  { venue: 'coinbase', market: 'LINK-USD', quote: 'USD', startPrice: 14, priceDecimals: 3, quoteSize: '90', maxInventory: 360, volatilityPerMinute: 0.0007, halfSpreadBps: 16, volumePerMinute: 20_000 },
  { venue: 'kraken', market: 'ADA-USD', quote: 'USD', startPrice: 0.45, priceDecimals: 5, quoteSize: '3000', maxInventory: 12_000, volatilityPerMinute: 0.0007, halfSpreadBps: 17, volumePerMinute: 500_000 },
];

/** The metrics the simulated bot emits for each market (labels venue, market, bot). */
export const BOT_METRICS = [
  'bot.mid_price',
  'bot.spread_bps',
  'bot.inventory',
  'bot.pnl',
  'risk.exposure',
  'feed.lag_ms',
  'feed.messages_per_s',
  'order.latency_ms',
] as const;

export type SimSide = 'buy' | 'sell';

export interface SimOrder {
  clientOrderId: string;
  time: Date;
  venue: string;
  market: string;
  side: SimSide;
  orderType: 'limit';
  price: string;
  size: string;
  status: 'open' | 'cancelled';
  timeInForce: 'post_only';
  stateTime: Date;
}

export interface SimFill {
  clientOrderId: string;
  venueFillId: string;
  time: Date;
  price: string;
  size: string;
  fee: string;
  feeCurrency: string;
}

export interface SimPosition {
  time: Date;
  venue: string;
  market: string;
  size: string;
  avgEntryPrice: string | null;
  unrealizedPnl: string;
  realizedPnl: string;
}

export interface SimCandle {
  time: Date;
  venue: string;
  symbol: string;
  timeframe: '1m' | '1h';
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

export interface SimPoint {
  name: string;
  value: number;
  timestamp: number;
  labels: Record<string, string>;
}

export interface SimEvent {
  time: Date;
  kind: string;
  source: string;
  severity: 'info' | 'warning';
  message: string;
  payload: Record<string, unknown>;
}

/** What happened during one advanceTo(), in the order it must be written (orders before their fills). */
export interface SimulationOutput {
  orders: SimOrder[];
  fills: SimFill[];
  positions: SimPosition[];
  candles: SimCandle[];
  points: SimPoint[];
  events: SimEvent[];
}

/** Where a market stands: to continue a simulation from stored data. */
export interface MarketStartState {
  price: number;
  inventory?: number;
  avgEntryPrice?: number | null;
  realizedPnl?: number;
  /** The hour bar stored so far, when the simulation resumes inside its hour (so that bar keeps its start). */
  hourBar?: { start: number; open: number; high: number; low: number; close: number; volume: number };
}

export interface SimulationSettings {
  /** Resolution of the price path (default 10 s). */
  stepMs: number;
  /** Time between two points of a metric series (default 60 s). */
  metricEveryMs: number;
  /** Time between two position snapshots per market (default 5 min). */
  positionEveryMs: number;
  /** How long a quote lives before it is cancelled and replaced (default 5 min). */
  quoteEveryMs: number;
  /**
   * 'final': each order is reported once, when it is done (filled orders as
   * `open` followed by their fills, the rest `cancelled`): the fewest writes,
   * for backfills. 'live': every state change is reported as it happens.
   */
  lifecycle: 'final' | 'live';
  /** Report the candles still forming too (they are reported again as they change). */
  emitOpenBars: boolean;
}

export interface SimulationOptions extends Partial<SimulationSettings> {
  markets: readonly SimulatedMarketSpec[];
  seed: number;
  /** Simulation start (epoch ms). */
  startTime: number;
  /** The bot's name: the `bot` label, the events' source, the client order id prefix. */
  botName?: string;
  /** Distinguishes client order ids of separate runs (default: the start time, base 36). */
  runId?: string;
  /** Per "venue/market", where to start from (default: the spec's start price, flat). */
  initialState?: Record<string, MarketStartState>;
  /** Series written besides the bot's own (random walks, at metricEveryMs). */
  extraSeries?: readonly GeneratedSeries[];
}

interface WorkingOrder {
  order: SimOrder;
  state: 'open' | 'filled' | 'cancelled';
  reported: 'none' | 'open' | 'cancelled';
  cancelTime: number;
}

interface Bar {
  start: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

interface MarketState {
  spec: SimulatedMarketSpec;
  labels: Record<string, string>;
  price: number;
  inventory: number;
  avgEntry: number | null;
  realized: number;
  bid: WorkingOrder | null;
  ask: WorkingOrder | null;
  suppressed: { buy: boolean; sell: boolean };
  bars: { '1m': Bar | null; '1h': Bar | null };
  /** Whether it has quoted yet (the first step always does). */
  quoted: boolean;
  messagesInStep: number;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
const MAKER_FEE_RATE = 0.0001;
const DEFAULT_SETTINGS: SimulationSettings = {
  stepMs: 10_000,
  metricEveryMs: MINUTE,
  positionEveryMs: 5 * MINUTE,
  quoteEveryMs: 5 * MINUTE,
  lifecycle: 'final',
  emitOpenBars: false,
};

export class TradingSimulation {
  private readonly random: () => number;
  private readonly markets: MarketState[];
  private readonly working: WorkingOrder[] = [];
  private readonly extra: Array<{ series: GeneratedSeries; value: number }>;
  private readonly botName: string;
  private readonly runId: string;
  private settings: SimulationSettings;
  private now: number;
  private orderSequence = 0;

  constructor(options: SimulationOptions) {
    if (options.markets.length === 0) throw new RangeError('a simulation needs at least one market');
    this.random = seededRandom(options.seed);
    this.botName = options.botName ?? 'sim-bot';
    this.runId = options.runId ?? options.startTime.toString(36);
    this.settings = { ...DEFAULT_SETTINGS, ...pickSettings(options) };
    this.now = options.startTime;
    this.markets = options.markets.map((spec) => {
      const start = options.initialState?.[`${spec.venue}/${spec.market}`];
      const inventory = start?.inventory ?? 0;
      return {
        spec,
        labels: { venue: spec.venue, market: spec.market, bot: this.botName },
        price: start?.price ?? spec.startPrice,
        inventory,
        avgEntry: inventory === 0 ? null : (start?.avgEntryPrice ?? start?.price ?? spec.startPrice),
        realized: start?.realizedPnl ?? 0,
        bid: null,
        ask: null,
        suppressed: { buy: false, sell: false },
        bars: { '1m': null, '1h': start?.hourBar && start.hourBar.start === Math.floor(options.startTime / HOUR) * HOUR ? { ...start.hourBar } : null },
        quoted: false,
        messagesInStep: 0,
      };
    });
    this.extra = (options.extraSeries ?? []).map((series) => ({ series, value: 50 + this.random() * 100 }));
  }

  /** The simulation clock (epoch ms): everything before it has been reported. */
  get time(): number {
    return this.now;
  }

  /** Changes the pace (e.g. from a coarse backfill to a fine live loop); takes effect at the next step. */
  configure(settings: Partial<SimulationSettings>): void {
    this.settings = { ...this.settings, ...settings };
  }

  /** Where each market stands now. */
  marketStates(): Array<{ venue: string; market: string; price: number; inventory: number; avgEntryPrice: number | null; realizedPnl: number }> {
    return this.markets.map((m) => ({
      venue: m.spec.venue,
      market: m.spec.market,
      price: m.price,
      inventory: m.inventory,
      avgEntryPrice: m.avgEntry,
      realizedPnl: m.realized,
    }));
  }

  /** Runs whole steps up to `timeMs` and returns what happened. */
  advanceTo(timeMs: number): SimulationOutput {
    const out: SimulationOutput = { orders: [], fills: [], positions: [], candles: [], points: [], events: [] };
    const { stepMs } = this.settings;
    while (this.now + stepMs <= timeMs) {
      const from = this.now;
      const to = from + stepMs;
      for (const market of this.markets) this.stepMarket(market, from, to, out);
      this.now = to;
      if (crossed(from, to, this.settings.metricEveryMs)) this.emitMetrics(to, out);
      if (crossed(from, to, this.settings.positionEveryMs)) for (const market of this.markets) out.positions.push(this.snapshot(market, to));
      if (crossed(from, to, HOUR)) this.emitRiskCheck(to, out);
    }
    this.reportOrders(out);
    if (this.settings.emitOpenBars) {
      for (const market of this.markets) {
        for (const timeframe of ['1m', '1h'] as const) {
          const bar = market.bars[timeframe];
          if (bar) out.candles.push(toCandle(market, timeframe, bar));
        }
      }
    }
    return out;
  }

  // ------------------------------------------------------------ one step

  private stepMarket(market: MarketState, from: number, to: number, out: SimulationOutput): void {
    const { spec } = market;
    const { stepMs, quoteEveryMs } = this.settings;
    if (!market.quoted || crossed(from - stepMs, from, quoteEveryMs)) this.requote(market, from, out);
    const open = market.price;
    const sigma = spec.volatilityPerMinute * Math.sqrt(stepMs / MINUTE);
    const close = open * Math.exp(sigma * normalDeviate(this.random));
    // Trades print around the fair price with transient noise (which reverts: that is the maker's edge).
    const noise = (spec.halfSpreadBps * 0.3) / 10_000;
    const high = Math.max(open, close) * (1 + Math.abs(normalDeviate(this.random)) * noise);
    const low = Math.min(open, close) * (1 - Math.abs(normalDeviate(this.random)) * noise);
    const volume = spec.volumePerMinute * (stepMs / MINUTE) * (0.4 + 1.2 * this.random());
    market.price = close;
    market.messagesInStep = Math.round((150 + 400 * this.random() + 2e5 * Math.abs(close / open - 1)) * (stepMs / 1000));

    // A quote is filled when the price trades through it during the step.
    const fillTime = from + Math.floor(this.random() * stepMs);
    if (market.bid?.state === 'open' && low <= Number(market.bid.order.price)) this.fill(market, market.bid, fillTime, out);
    if (market.ask?.state === 'open' && high >= Number(market.ask.order.price)) this.fill(market, market.ask, fillTime, out);

    for (const timeframe of ['1m', '1h'] as const) {
      const width = timeframe === '1m' ? MINUTE : HOUR;
      const barStart = Math.floor(from / width) * width;
      let bar = market.bars[timeframe];
      if (bar && bar.start !== barStart) {
        out.candles.push(toCandle(market, timeframe, bar));
        bar = null;
      }
      if (!bar) bar = { start: barStart, open, high: open, low: open, close: open, volume: 0 };
      bar.high = Math.max(bar.high, high);
      bar.low = Math.min(bar.low, low);
      bar.close = close;
      bar.volume += volume;
      if (to >= barStart + width) {
        out.candles.push(toCandle(market, timeframe, bar));
        bar = null;
      }
      market.bars[timeframe] = bar;
    }
  }

  private requote(market: MarketState, at: number, out: SimulationOutput): void {
    const { spec } = market;
    market.quoted = true;
    for (const side of ['bid', 'ask'] as const) {
      const working = market[side];
      if (working?.state === 'open') {
        working.state = 'cancelled';
        working.cancelTime = at;
      }
      market[side] = null;
    }
    const skewBps = -(market.inventory / spec.maxInventory) * spec.halfSpreadBps;
    const half = spec.halfSpreadBps * (0.8 + 0.4 * this.random());
    const bidPrice = market.price * (1 - (half - skewBps) / 10_000);
    const askPrice = market.price * (1 + (half + skewBps) / 10_000);
    const allowBuy = market.inventory < spec.maxInventory;
    const allowSell = market.inventory > -spec.maxInventory;
    this.riskDecision(market, 'buy', allowBuy, at, out);
    this.riskDecision(market, 'sell', allowSell, at, out);
    if (allowBuy) market.bid = this.place(market, 'buy', bidPrice, at);
    if (allowSell) market.ask = this.place(market, 'sell', askPrice, at);
  }

  private place(market: MarketState, side: SimSide, price: number, at: number): WorkingOrder {
    this.orderSequence += 1;
    const { spec } = market;
    const order: SimOrder = {
      clientOrderId: `${this.botName}-${this.runId}-${this.orderSequence}`,
      time: new Date(at),
      venue: spec.venue,
      market: spec.market,
      side,
      orderType: 'limit',
      price: price.toFixed(spec.priceDecimals),
      size: spec.quoteSize,
      status: 'open',
      timeInForce: 'post_only',
      stateTime: new Date(at),
    };
    const working: WorkingOrder = { order, state: 'open', reported: 'none', cancelTime: 0 };
    this.working.push(working);
    return working;
  }

  private fill(market: MarketState, working: WorkingOrder, time: number, out: SimulationOutput): void {
    const { spec } = market;
    const { order } = working;
    const price = Number(order.price);
    const size = Number(order.size);
    // One execution in most cases; sometimes two (a partial fill, then the rest).
    const split = this.random() < 0.25 ? 2 : 1;
    const sizeDecimals = decimalsOf(order.size) + 2;
    const first = split === 2 ? Number((size * (0.3 + 0.4 * this.random())).toFixed(sizeDecimals)) : size;
    const parts = split === 2 ? [first, size - first] : [size];
    parts.forEach((part, i) => {
      const partText = i === parts.length - 1 && split === 2 ? subtractDecimal(order.size, first.toFixed(sizeDecimals)) : part.toFixed(sizeDecimals);
      const fee = price * Number(partText) * MAKER_FEE_RATE;
      out.fills.push({
        clientOrderId: order.clientOrderId,
        venueFillId: `${order.clientOrderId}-f${i + 1}`,
        time: new Date(time + i * 137),
        price: order.price,
        size: partText,
        fee: fee.toFixed(8),
        feeCurrency: spec.quote,
      });
      this.applyFill(market, order.side, price, Number(partText), fee);
    });
    working.state = 'filled';
    if (market.bid === working) market.bid = null;
    if (market.ask === working) market.ask = null;
    // The order must be stored before its fills.
    if (working.reported === 'none') {
      out.orders.push({ ...order });
      working.reported = 'open';
    }
  }

  /** Average-cost ledger: adding moves the average entry, reducing realizes PnL (fees always count). */
  private applyFill(market: MarketState, side: SimSide, price: number, size: number, fee: number): void {
    const signed = side === 'buy' ? size : -size;
    const before = market.inventory;
    market.realized -= fee;
    if (before === 0 || Math.sign(before) === Math.sign(signed)) {
      const total = before + signed;
      market.avgEntry = ((market.avgEntry ?? price) * Math.abs(before) + price * size) / Math.abs(total);
      market.inventory = round(total, 10);
      return;
    }
    const closing = Math.min(Math.abs(before), size);
    market.realized += (price - (market.avgEntry ?? price)) * closing * Math.sign(before);
    const after = round(before + signed, 10);
    market.inventory = after;
    if (market.inventory === 0) market.avgEntry = null;
    else if (Math.sign(after) !== Math.sign(before)) market.avgEntry = price;
  }

  private riskDecision(market: MarketState, side: SimSide, allowed: boolean, at: number, out: SimulationOutput): void {
    const suppressed = !allowed;
    if (market.suppressed[side] === suppressed) return;
    market.suppressed[side] = suppressed;
    const { spec } = market;
    out.events.push({
      time: new Date(at),
      kind: 'risk.decision',
      source: this.botName,
      severity: suppressed ? 'warning' : 'info',
      message: suppressed
        ? `${spec.market}: ${side} quotes suppressed, inventory ${round(market.inventory, 6)} at limit ${spec.maxInventory}`
        : `${spec.market}: ${side} quotes resumed, inventory ${round(market.inventory, 6)}`,
      payload: { venue: spec.venue, market: spec.market, side, decision: suppressed ? 'suppress' : 'resume', inventory: round(market.inventory, 6), limit: spec.maxInventory },
    });
  }

  // ------------------------------------------------------------- reports

  private emitMetrics(at: number, out: SimulationOutput): void {
    for (const market of this.markets) {
      const { spec, labels } = market;
      const spreadBps = market.bid && market.ask ? ((Number(market.ask.order.price) - Number(market.bid.order.price)) / market.price) * 10_000 : 0;
      const unrealized = market.avgEntry === null ? 0 : (market.price - market.avgEntry) * market.inventory;
      const spike = this.random() < 0.004;
      const lag = spike ? 400 + this.random() * 2_000 : Math.exp(Math.log(12) + 0.45 * normalDeviate(this.random));
      const values: Record<(typeof BOT_METRICS)[number], number> = {
        'bot.mid_price': round(market.price, spec.priceDecimals + 2),
        'bot.spread_bps': round(spreadBps, 3),
        'bot.inventory': round(market.inventory, 8),
        'bot.pnl': round(market.realized + unrealized, 6),
        'risk.exposure': round(Math.abs(market.inventory) * market.price, 4),
        'feed.lag_ms': round(lag, 3),
        'feed.messages_per_s': Math.round(market.messagesInStep / (this.settings.stepMs / 1000)),
        'order.latency_ms': round(Math.exp(Math.log(6) + 0.35 * normalDeviate(this.random)), 3),
      };
      for (const name of BOT_METRICS) out.points.push({ name, value: values[name], timestamp: at, labels });
      if (lag > 1_000) {
        out.events.push({
          time: new Date(at),
          kind: 'feed.lag_spike',
          source: this.botName,
          severity: 'warning',
          message: `${spec.venue} ${spec.market}: market data ${Math.round(lag)} ms behind`,
          payload: { venue: spec.venue, market: spec.market, lagMs: Math.round(lag) },
        });
      }
    }
    for (const extra of this.extra) {
      extra.value = Math.max(0, extra.value + (this.random() - 0.5) * 2);
      out.points.push({ name: extra.series.name, value: round(extra.value, 2), timestamp: at, labels: extra.series.labels });
    }
  }

  private emitRiskCheck(at: number, out: SimulationOutput): void {
    const exposure = this.markets.reduce((sum, m) => sum + Math.abs(m.inventory) * m.price, 0);
    const pnl = this.markets.reduce((sum, m) => sum + m.realized + (m.avgEntry === null ? 0 : (m.price - m.avgEntry) * m.inventory), 0);
    out.events.push({
      time: new Date(at),
      kind: 'risk.check',
      source: this.botName,
      severity: 'info',
      message: `hourly risk check: exposure ${exposure.toFixed(2)}, PnL ${pnl.toFixed(2)}`,
      payload: { exposure: round(exposure, 2), pnl: round(pnl, 2), markets: this.markets.length },
    });
  }

  private snapshot(market: MarketState, at: number): SimPosition {
    const { spec } = market;
    const unrealized = market.avgEntry === null ? 0 : (market.price - market.avgEntry) * market.inventory;
    return {
      time: new Date(at),
      venue: spec.venue,
      market: spec.market,
      size: market.inventory.toFixed(8),
      avgEntryPrice: market.avgEntry === null ? null : market.avgEntry.toFixed(spec.priceDecimals + 4),
      unrealizedPnl: unrealized.toFixed(8),
      realizedPnl: market.realized.toFixed(8),
    };
  }

  /** Orders whose state must be reported (see SimulationSettings.lifecycle); done orders are then forgotten. */
  private reportOrders(out: SimulationOutput): void {
    const live = this.settings.lifecycle === 'live';
    for (const working of this.working) {
      if (working.state === 'cancelled' && working.reported !== 'cancelled') {
        out.orders.push({ ...working.order, status: 'cancelled', stateTime: new Date(working.cancelTime) });
        working.reported = 'cancelled';
      } else if (working.state === 'open' && working.reported === 'none' && live) {
        out.orders.push({ ...working.order });
        working.reported = 'open';
      }
    }
    for (let i = this.working.length - 1; i >= 0; i -= 1) {
      const working = this.working[i] as WorkingOrder;
      if (working.state !== 'open' && working.reported !== 'none') this.working.splice(i, 1);
    }
  }
}

function pickSettings(options: SimulationOptions): Partial<SimulationSettings> {
  const out: Partial<SimulationSettings> = {};
  for (const key of Object.keys(DEFAULT_SETTINGS) as Array<keyof SimulationSettings>) {
    if (options[key] !== undefined) (out as Record<string, unknown>)[key] = options[key];
  }
  return out;
}

/** Whether a multiple of `every` lies in (from, to]. */
function crossed(from: number, to: number, every: number): boolean {
  return Math.floor(to / every) > Math.floor(from / every);
}

function toCandle(market: MarketState, timeframe: '1m' | '1h', bar: Bar): SimCandle {
  const d = market.spec.priceDecimals;
  return {
    time: new Date(bar.start),
    venue: market.spec.venue,
    symbol: market.spec.market,
    timeframe,
    open: bar.open.toFixed(d),
    high: bar.high.toFixed(d),
    low: bar.low.toFixed(d),
    close: bar.close.toFixed(d),
    volume: bar.volume.toFixed(4),
  };
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

function decimalsOf(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** a - b for short decimal strings, exactly (scaled integers). */
function subtractDecimal(a: string, b: string): string {
  const scale = Math.max(decimalsOf(a), decimalsOf(b));
  const toScaled = (text: string) => {
    const [whole, fraction = ''] = text.split('.');
    return BigInt(`${whole}${fraction.padEnd(scale, '0')}`);
  };
  const diff = toScaled(a) - toScaled(b);
  const digits = diff.toString().padStart(scale + 1, '0');
  return scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}
