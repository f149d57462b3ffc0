// A simulated market-making bot, as data: per market a random-walk price
// (log-normal steps), and one or more traders (a strategy in an account:
// SimulatedTrader) each quoting a bid and an ask around the mid price
// (skewed by its inventory, suppressed by a risk limit), fills when the price
// crosses a quote, an average-cost position ledger per trader, 1m/1h candles,
// the metrics a bot emits (mid price, feed lag and messages/s per market;
// spread, inventory, PnL, exposure and order latency per trader, labelled
// with its account and strategy) and events (risk decisions, feed lag
// spikes). Without traders given, one trader in the 'default' account and
// strategy, whose metrics carry no account or strategy label.
//
// Deterministic: the same seed, start time and settings give the same data.
// `advanceTo(t)` runs the simulation up to t and returns what happened, as
// plain objects shaped like the stores' inputs (OrderInput, FillInput,
// PositionInput, CandleInput, MetricPointInput, EventInput, TradeInput,
// QuoteInput). The main job uses it for its backfill and its live loop,
// `ag-storage seed` for seeding. From `ticksFrom` on (default never), each
// step also prints market trades (the step's high and low legs and its
// close, so candles built from them have the step's range) and a top-of-book
// quote around the price; they draw no random numbers, so the rest of the
// output is the same with or without them.

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

/**
 * One trader of the simulation: a strategy quoting every market in an
 * account of that market's venue (accounts and strategies must be registered
 * before the output is stored, except 'default').
 */
export interface SimulatedTrader {
  strategy: string;
  /** The account it trades in at a venue. */
  accountAt(venue: string): string;
  /** Multiplies the half spread it quotes (default 1): a wider quote fills less and earns more. */
  spreadFactor?: number;
}

/** The trader of a simulation that names none: the 'default' account and strategy. */
export const DEFAULT_TRADER: SimulatedTrader = { strategy: 'default', accountAt: () => 'default' };

/** The metrics the simulated bot emits for each market (labels venue, market, bot; per trader also account and strategy). */
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

/** Metrics about the market, emitted once per market whatever the traders. */
const MARKET_METRICS = new Set<(typeof BOT_METRICS)[number]>(['bot.mid_price', 'feed.lag_ms', 'feed.messages_per_s']);

export interface SimOrder {
  clientOrderId: string;
  account: string;
  strategy: string;
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
  account: string;
  strategy: string;
  venueFillId: string;
  time: Date;
  price: string;
  size: string;
  fee: string;
  feeCurrency: string;
}

export interface SimPosition {
  time: Date;
  account: string;
  strategy: string;
  venue: string;
  market: string;
  size: string;
  avgEntryPrice: string | null;
  unrealizedPnl: string;
  realizedPnl: string;
}

export interface SimFunding {
  time: Date;
  account: string;
  strategy: string;
  venue: string;
  market: string;
  rate: string;
  /** Signed: > 0 received. */
  amount: string;
  currency: string;
  venuePaymentId: string;
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

export interface SimTrade {
  time: Date;
  venue: string;
  symbol: string;
  price: string;
  size: string;
  side: SimSide;
  tradeId: string;
}

export interface SimQuote {
  time: Date;
  venue: string;
  symbol: string;
  bid: string;
  bidSize: string;
  ask: string;
  askSize: string;
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
  /** Funding of the open positions, every fundingEveryMs (markets are simulated as perpetuals for it). */
  funding: SimFunding[];
  candles: SimCandle[];
  points: SimPoint[];
  events: SimEvent[];
  /** Market trades and top-of-book quotes of the steps from `ticksFrom` on. */
  trades: SimTrade[];
  quotes: SimQuote[];
}

/** An empty output. */
export function emptyOutput(): SimulationOutput {
  return { orders: [], fills: [], positions: [], funding: [], candles: [], points: [], events: [], trades: [], quotes: [] };
}

/** Where one trader's position stands. */
export interface TraderStartState {
  inventory?: number;
  avgEntryPrice?: number | null;
  realizedPnl?: number;
}

/** Where a market stands: to continue a simulation from stored data. */
export interface MarketStartState extends TraderStartState {
  price: number;
  /** Per trader, by `${account}/${strategy}` (a trader without an entry takes the market's own inventory fields, or flat). */
  traders?: Record<string, TraderStartState>;
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
  /** Time between two funding payments of an open position (default 8 hours, at 00:00, 08:00 and 16:00 UTC). */
  fundingEveryMs: number;
  /**
   * 'final': each order is reported once, when it is done (filled orders as
   * `open` followed by their fills, the rest `cancelled`): the fewest writes,
   * for backfills. 'live': every state change is reported as it happens.
   */
  lifecycle: 'final' | 'live';
  /** Report the candles still forming too (they are reported again as they change). */
  emitOpenBars: boolean;
  /** Steps starting at or after this time (epoch ms) print trades and quotes (default never). */
  ticksFrom: number;
}

export interface SimulationOptions extends Partial<SimulationSettings> {
  markets: readonly SimulatedMarketSpec[];
  seed: number;
  /** Simulation start (epoch ms). */
  startTime: number;
  /** The bot's name: the `bot` label, the events' source, the client order id prefix. */
  botName?: string;
  /** Who trades (default: DEFAULT_TRADER alone). */
  traders?: readonly SimulatedTrader[];
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
  bars: { '1m': Bar | null; '1h': Bar | null };
  /** Whether it has quoted yet (the first step always does). */
  quoted: boolean;
  messagesInStep: number;
  traders: TraderState[];
}

/** One trader's book in one market. */
interface TraderState {
  trader: SimulatedTrader;
  account: string;
  labels: Record<string, string>;
  inventory: number;
  avgEntry: number | null;
  realized: number;
  bid: WorkingOrder | null;
  ask: WorkingOrder | null;
  suppressed: { buy: boolean; sell: boolean };
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
const MAKER_FEE_RATE = 0.0001;
const DEFAULT_SETTINGS: SimulationSettings = {
  stepMs: 10_000,
  metricEveryMs: MINUTE,
  positionEveryMs: 5 * MINUTE,
  quoteEveryMs: 5 * MINUTE,
  fundingEveryMs: 8 * HOUR,
  lifecycle: 'final',
  emitOpenBars: false,
  ticksFrom: Number.POSITIVE_INFINITY,
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
    const traders = options.traders?.length ? options.traders : [DEFAULT_TRADER];
    this.markets = options.markets.map((spec) => {
      const start = options.initialState?.[`${spec.venue}/${spec.market}`];
      const price = start?.price ?? spec.startPrice;
      const labels = { venue: spec.venue, market: spec.market, bot: this.botName };
      return {
        spec,
        labels,
        price,
        bars: { '1m': null, '1h': start?.hourBar && start.hourBar.start === Math.floor(options.startTime / HOUR) * HOUR ? { ...start.hourBar } : null },
        quoted: false,
        messagesInStep: 0,
        traders: traders.map((trader): TraderState => {
          const account = trader.accountAt(spec.venue);
          const own = start?.traders?.[`${account}/${trader.strategy}`] ?? (traders.length === 1 ? start : undefined);
          const inventory = own?.inventory ?? 0;
          return {
            trader,
            account,
            labels: trader === DEFAULT_TRADER ? labels : { ...labels, account, strategy: trader.strategy },
            inventory,
            avgEntry: inventory === 0 ? null : (own?.avgEntryPrice ?? price),
            realized: own?.realizedPnl ?? 0,
            bid: null,
            ask: null,
            suppressed: { buy: false, sell: false },
          };
        }),
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

  /** Where each trader stands in each market now. */
  traderStates(): Array<{ account: string; strategy: string; venue: string; market: string; price: number; inventory: number; avgEntryPrice: number | null; realizedPnl: number }> {
    return this.markets.flatMap((m) =>
      m.traders.map((t) => ({
        account: t.account,
        strategy: t.trader.strategy,
        venue: m.spec.venue,
        market: m.spec.market,
        price: m.price,
        inventory: t.inventory,
        avgEntryPrice: t.avgEntry,
        realizedPnl: t.realized,
      })),
    );
  }

  /** Runs whole steps up to `timeMs` and returns what happened. */
  advanceTo(timeMs: number): SimulationOutput {
    const out = emptyOutput();
    const { stepMs } = this.settings;
    while (this.now + stepMs <= timeMs) {
      const from = this.now;
      const to = from + stepMs;
      for (const market of this.markets) this.stepMarket(market, from, to, out);
      this.now = to;
      if (crossed(from, to, this.settings.metricEveryMs)) this.emitMetrics(to, out);
      if (crossed(from, to, this.settings.positionEveryMs)) {
        for (const market of this.markets) for (const trader of market.traders) out.positions.push(this.snapshot(market, trader, to));
      }
      if (crossed(from, to, HOUR)) this.emitRiskCheck(to, out);
      if (crossed(from, to, this.settings.fundingEveryMs)) this.chargeFunding(Math.floor(to / this.settings.fundingEveryMs) * this.settings.fundingEveryMs, out);
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
    if (!market.quoted || crossed(from - stepMs, from, quoteEveryMs)) {
      market.quoted = true;
      for (const trader of market.traders) this.requote(market, trader, from, out);
    }
    const open = market.price;
    const sigma = spec.volatilityPerMinute * Math.sqrt(stepMs / MINUTE);
    const close = open * Math.exp(sigma * normalDeviate(this.random));
    // Trades print around the fair price with transient noise (which reverts: that is the maker's edge).
    const noise = (spec.halfSpreadBps * 0.3) / 10_000;
    const high = Math.max(open, close) * (1 + Math.abs(normalDeviate(this.random)) * noise);
    const low = Math.min(open, close) * (1 - Math.abs(normalDeviate(this.random)) * noise);
    const volume = spec.volumePerMinute * (stepMs / MINUTE) * (0.4 + 1.2 * this.random());
    market.price = close;
    if (from >= this.settings.ticksFrom) this.printTicks(market, from, { open, high, low, close, volume }, out);
    market.messagesInStep = Math.round((150 + 400 * this.random() + 2e5 * Math.abs(close / open - 1)) * (stepMs / 1000));

    // A quote is filled when the price trades through it during the step.
    const fillTime = from + Math.floor(this.random() * stepMs);
    for (const trader of market.traders) {
      if (trader.bid?.state === 'open' && low <= Number(trader.bid.order.price)) this.fill(market, trader, trader.bid, fillTime, out);
      if (trader.ask?.state === 'open' && high >= Number(trader.ask.order.price)) this.fill(market, trader, trader.ask, fillTime, out);
    }

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

  /** The step's quote (at its start, around the open) and three trades: its first extreme, its other extreme, its close. */
  private printTicks(market: MarketState, from: number, step: { open: number; high: number; low: number; close: number; volume: number }, out: SimulationOutput): void {
    const { spec } = market;
    const d = spec.priceDecimals;
    const { venue, market: symbol } = spec;
    const tick = 10 ** -d;
    const halfSpread = Math.max(tick, (step.open * spec.halfSpreadBps) / 10_000);
    const bid = Math.round((step.open - halfSpread) / tick) * tick;
    const ask = Math.max(bid + tick, Math.round((step.open + halfSpread) / tick) * tick);
    out.quotes.push({ time: new Date(from), venue, symbol, bid: bid.toFixed(d), bidSize: spec.quoteSize, ask: ask.toFixed(d), askSize: spec.quoteSize });
    const legs = step.close >= step.open ? [step.low, step.high, step.close] : [step.high, step.low, step.close];
    const { stepMs } = this.settings;
    let previous = step.open;
    legs.forEach((price, leg) => {
      out.trades.push({
        time: new Date(from + Math.floor(((leg + 1) * stepMs) / 4)),
        venue,
        symbol,
        price: price.toFixed(d),
        size: (step.volume / 3).toFixed(4),
        side: price >= previous ? 'buy' : 'sell',
        tradeId: `${this.runId}-${from.toString(36)}-${leg}`,
      });
      previous = price;
    });
  }

  private requote(market: MarketState, trader: TraderState, at: number, out: SimulationOutput): void {
    const { spec } = market;
    for (const side of ['bid', 'ask'] as const) {
      const working = trader[side];
      if (working?.state === 'open') {
        working.state = 'cancelled';
        working.cancelTime = at;
      }
      trader[side] = null;
    }
    const skewBps = -(trader.inventory / spec.maxInventory) * spec.halfSpreadBps;
    const half = spec.halfSpreadBps * (trader.trader.spreadFactor ?? 1) * (0.8 + 0.4 * this.random());
    const bidPrice = market.price * (1 - (half - skewBps) / 10_000);
    const askPrice = market.price * (1 + (half + skewBps) / 10_000);
    const allowBuy = trader.inventory < spec.maxInventory;
    const allowSell = trader.inventory > -spec.maxInventory;
    this.riskDecision(market, trader, 'buy', allowBuy, at, out);
    this.riskDecision(market, trader, 'sell', allowSell, at, out);
    if (allowBuy) trader.bid = this.place(market, trader, 'buy', bidPrice, at);
    if (allowSell) trader.ask = this.place(market, trader, 'sell', askPrice, at);
  }

  private place(market: MarketState, trader: TraderState, side: SimSide, price: number, at: number): WorkingOrder {
    this.orderSequence += 1;
    const { spec } = market;
    const order: SimOrder = {
      clientOrderId: `${this.botName}-${this.runId}-${this.orderSequence}`,
      account: trader.account,
      strategy: trader.trader.strategy,
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

  private fill(market: MarketState, trader: TraderState, working: WorkingOrder, time: number, out: SimulationOutput): void {
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
        account: order.account,
        strategy: order.strategy,
        venueFillId: `${order.clientOrderId}-f${i + 1}`,
        time: new Date(time + i * 137),
        price: order.price,
        size: partText,
        fee: fee.toFixed(8),
        feeCurrency: spec.quote,
      });
      this.applyFill(trader, order.side, price, Number(partText), fee);
    });
    working.state = 'filled';
    if (trader.bid === working) trader.bid = null;
    if (trader.ask === working) trader.ask = null;
    // The order must be stored before its fills.
    if (working.reported === 'none') {
      out.orders.push({ ...order });
      working.reported = 'open';
    }
  }

  /** Average-cost ledger: adding moves the average entry, reducing realizes PnL (fees always count). */
  private applyFill(trader: TraderState, side: SimSide, price: number, size: number, fee: number): void {
    const signed = side === 'buy' ? size : -size;
    const before = trader.inventory;
    trader.realized -= fee;
    if (before === 0 || Math.sign(before) === Math.sign(signed)) {
      const total = before + signed;
      trader.avgEntry = ((trader.avgEntry ?? price) * Math.abs(before) + price * size) / Math.abs(total);
      trader.inventory = round(total, 10);
      return;
    }
    const closing = Math.min(Math.abs(before), size);
    trader.realized += (price - (trader.avgEntry ?? price)) * closing * Math.sign(before);
    const after = round(before + signed, 10);
    trader.inventory = after;
    if (trader.inventory === 0) trader.avgEntry = null;
    else if (Math.sign(after) !== Math.sign(before)) trader.avgEntry = price;
  }

  private riskDecision(market: MarketState, trader: TraderState, side: SimSide, allowed: boolean, at: number, out: SimulationOutput): void {
    const suppressed = !allowed;
    if (trader.suppressed[side] === suppressed) return;
    trader.suppressed[side] = suppressed;
    const { spec } = market;
    const who = trader.trader === DEFAULT_TRADER ? {} : { account: trader.account, strategy: trader.trader.strategy };
    out.events.push({
      time: new Date(at),
      kind: 'risk.decision',
      source: this.botName,
      severity: suppressed ? 'warning' : 'info',
      message: suppressed
        ? `${spec.market}: ${side} quotes suppressed, inventory ${round(trader.inventory, 6)} at limit ${spec.maxInventory}`
        : `${spec.market}: ${side} quotes resumed, inventory ${round(trader.inventory, 6)}`,
      payload: { venue: spec.venue, market: spec.market, ...who, side, decision: suppressed ? 'suppress' : 'resume', inventory: round(trader.inventory, 6), limit: spec.maxInventory },
    });
  }

  // ------------------------------------------------------------- reports

  private emitMetrics(at: number, out: SimulationOutput): void {
    for (const market of this.markets) {
      const { spec, labels } = market;
      const spike = this.random() < 0.004;
      const lag = spike ? 400 + this.random() * 2_000 : Math.exp(Math.log(12) + 0.45 * normalDeviate(this.random));
      const marketValues: Partial<Record<(typeof BOT_METRICS)[number], number>> = {
        'bot.mid_price': round(market.price, spec.priceDecimals + 2),
        'feed.lag_ms': round(lag, 3),
        'feed.messages_per_s': Math.round(market.messagesInStep / (this.settings.stepMs / 1000)),
      };
      const traderValues = market.traders.map((trader) => {
        const spreadBps = trader.bid && trader.ask ? ((Number(trader.ask.order.price) - Number(trader.bid.order.price)) / market.price) * 10_000 : 0;
        const unrealized = trader.avgEntry === null ? 0 : (market.price - trader.avgEntry) * trader.inventory;
        const values: Partial<Record<(typeof BOT_METRICS)[number], number>> = {
          'bot.spread_bps': round(spreadBps, 3),
          'bot.inventory': round(trader.inventory, 8),
          'bot.pnl': round(trader.realized + unrealized, 6),
          'risk.exposure': round(Math.abs(trader.inventory) * market.price, 4),
          'order.latency_ms': round(Math.exp(Math.log(6) + 0.35 * normalDeviate(this.random)), 3),
        };
        return { labels: trader.labels, values };
      });
      for (const name of BOT_METRICS) {
        if (MARKET_METRICS.has(name)) out.points.push({ name, value: marketValues[name] as number, timestamp: at, labels });
        else for (const t of traderValues) out.points.push({ name, value: t.values[name] as number, timestamp: at, labels: t.labels });
      }
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
    const books = this.markets.flatMap((m) => m.traders.map((t) => ({ m, t })));
    const exposure = books.reduce((sum, { m, t }) => sum + Math.abs(t.inventory) * m.price, 0);
    const pnl = books.reduce((sum, { m, t }) => sum + t.realized + (t.avgEntry === null ? 0 : (m.price - t.avgEntry) * t.inventory), 0);
    out.events.push({
      time: new Date(at),
      kind: 'risk.check',
      source: this.botName,
      severity: 'info',
      message: `hourly risk check: exposure ${exposure.toFixed(2)}, PnL ${pnl.toFixed(2)}`,
      payload: { exposure: round(exposure, 2), pnl: round(pnl, 2), markets: this.markets.length },
    });
  }

  /** Funding of every open position: longs pay a positive rate, shorts receive it; the amount counts in realized PnL. */
  private chargeFunding(at: number, out: SimulationOutput): void {
    for (const market of this.markets) {
      const rate = round((this.random() - 0.35) * 0.0004, 8);
      for (const trader of market.traders) {
        if (trader.inventory === 0) continue;
        const amount = round(-trader.inventory * market.price * rate, 8);
        trader.realized += amount;
        out.funding.push({
          time: new Date(at),
          account: trader.account,
          strategy: trader.trader.strategy,
          venue: market.spec.venue,
          market: market.spec.market,
          rate: rate.toFixed(8),
          amount: amount.toFixed(8),
          currency: market.spec.quote,
          venuePaymentId: `${this.botName}-${trader.trader.strategy}-${market.spec.market}-${at}`,
        });
      }
    }
  }

  private snapshot(market: MarketState, trader: TraderState, at: number): SimPosition {
    const { spec } = market;
    const unrealized = trader.avgEntry === null ? 0 : (market.price - trader.avgEntry) * trader.inventory;
    return {
      time: new Date(at),
      account: trader.account,
      strategy: trader.trader.strategy,
      venue: spec.venue,
      market: spec.market,
      size: trader.inventory.toFixed(8),
      avgEntryPrice: trader.avgEntry === null ? null : trader.avgEntry.toFixed(spec.priceDecimals + 4),
      unrealizedPnl: unrealized.toFixed(8),
      realizedPnl: trader.realized.toFixed(8),
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
