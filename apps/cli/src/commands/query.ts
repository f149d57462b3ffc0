// `ag-storage query metrics|aggregate|latest|orders|fills|positions|funding|
// statistics|accounts|strategies|candles|trades|quotes|book|tick-gaps|
// stale-quotes|events`: the API's reads from the command line, with the same
// parameters (as options, --account and --strategy on every execution read)
// and the same validation, printed as a table, JSON or CSV. `trades` is the
// market's trade prints; the trade statistics are `statistics`.

import type { Command } from 'commander';
import { AGGREGATIONS, describeAggregations } from '@ag/storage-metrics';
import {
  aggregateMetrics,
  listEvents,
  listAccounts,
  listFills,
  listFundingPayments,
  listLatestPositions,
  listOrders,
  listPositions,
  listStrategies,
  readTradeStatistics,
  readCandles,
  listTrades,
  listQuotes,
  listBookSnapshots,
  listTickGaps,
  listStaleQuotes,
  readLatestMetrics,
  readMetricPoints,
  BadParameterError,
  type StorageServices,
} from '@ag/storage-services';
import { asUsageError } from '../command-errors.js';
import { withServices } from '../open-services.js';
import type { GlobalOptions } from '../open-storage.js';
import { outputFormat, printRows } from '../output-format.js';

interface Answer {
  data: readonly object[];
  truncated?: boolean;
  nextCursor?: string | null;
}

type Read = (services: StorageServices, input: Record<string, unknown>) => Promise<Answer>;

interface QueryKind {
  description: string;
  options: Array<[flags: string, description: string]>;
  /** Printed after the options in --help. */
  help?: string;
  read: Read;
}

const RANGE: Array<[string, string]> = [
  ['--start <time>', 'range start, included (ISO 8601 with a zone, or epoch ms)'],
  ['--end <time>', 'range end, excluded (default now)'],
];
const LABELS: [string, string] = ['--labels <json>', 'label filters as a JSON object, e.g. \'{"venue":"binance"}\''];
const FLEET: Array<[string, string]> = [
  ['--account <account>', 'only this account'],
  ['--strategy <strategy>', 'only this strategy'],
];
const METRIC_FLEET: Array<[string, string]> = [
  ['--account <account>', 'label filter account=<account>'],
  ['--strategy <strategy>', 'label filter strategy=<strategy>'],
];

const TICKS: Array<[string, string]> = [
  ['--venue <venue>', ''], ['--symbol <symbol>', ''], ...RANGE, ['--limit <n>', 'at most n rows (capped at query.max_results)'], ['--order <order>', 'asc | desc (default asc)'],
];

const KINDS: Record<string, QueryKind> = {
  metrics: {
    description: 'raw metric points of a range (default: the last hour)',
    options: [['--name <names>', 'metric name(s), comma-separated'], ...RANGE, LABELS, ...METRIC_FLEET, ['--limit <n>', 'at most n points'], ['--order <order>', 'asc | desc']],
    read: (s, q) => readMetricPoints(s, q),
  },
  aggregate: {
    description: 'bucketed aggregates of a metric (default: the last 24 hours, 1h buckets, avg)',
    options: [
      ['--name <names>', 'metric name(s), comma-separated'], ...RANGE,
      ['--bucket <width>', 'bucket width: 1m, 15m, 1h, 1d, ...'],
      ['--aggregations <list>', `comma-separated: ${AGGREGATIONS.join(',')} (see below)`],
      LABELS, ...METRIC_FLEET, ['--group-by <labels>', 'label name(s) to group by'], ['--fill <mode>', 'none | null | previous'],
    ],
    help: `\nAggregations (from the aggregation registry):\n${describeAggregations().replace(/^/gm, '  ')}\n`,
    read: (s, q) => aggregateMetrics(s, q),
  },
  latest: {
    description: 'the newest point of every matching series',
    options: [['--name <names>', 'metric name(s), comma-separated'], LABELS, ...METRIC_FLEET],
    read: (s, q) => readLatestMetrics(s, q),
  },
  orders: {
    description: 'orders of a range, newest first (default: the last 24 hours)',
    options: [...RANGE, ...FLEET, ['--venue <venue>', ''], ['--market <market>', ''], ['--side <side>', 'buy | sell'], ['--status <list>', 'status(es), comma-separated'], ['--limit <n>', 'page size (default 100)'], ['--cursor <cursor>', 'the next page (printed after a full page)'], ['--order <order>', 'asc | desc']],
    read: (s, q) => listOrders(s, q),
  },
  fills: {
    description: 'fills of a range (default: the last 24 hours) or of one order',
    options: [...RANGE, ['--order-id <uuid>', 'the fills of this order'], ...FLEET, ['--venue <venue>', ''], ['--market <market>', ''], ['--side <side>', 'buy | sell'], ['--limit <n>', 'page size (default 100)'], ['--cursor <cursor>', 'the next page (printed after a full page)'], ['--order <order>', 'asc | desc']],
    read: (s, q) => listFills(s, q),
  },
  positions: {
    description: 'position snapshots of a market over a range, or --latest for every account, strategy and market',
    options: [['--market <market>', 'the market (required without --latest)'], ['--venue <venue>', ''], ...FLEET, ...RANGE, ['--limit <n>', 'at most n snapshots'], ['--latest', 'the newest snapshot of every position']],
    read: (s, q) => {
      const { latest, ...rest } = q;
      return latest ? listLatestPositions(s, rest) : listPositions(s, rest);
    },
  },
  funding: {
    description: 'funding payments of a range, oldest first (default: the last 30 days)',
    options: [...RANGE, ...FLEET, ['--venue <venue>', ''], ['--market <market>', ''], ['--limit <n>', 'at most n payments']],
    read: (s, q) => listFundingPayments(s, q),
  },
  statistics: {
    description: 'trade statistics per account and strategy (--by market: per market), with fees and funding per currency (default: the last 7 days)',
    options: [...RANGE, ...FLEET, ['--venue <venue>', ''], ['--market <market>', ''], ['--include-fees <bool>', 'true | false (default true)'], ['--by <level>', 'strategy | market (default strategy)']],
    read: async (s, q) => {
      const { by, ...rest } = q;
      if (by !== undefined && by !== 'strategy' && by !== 'market') throw new BadParameterError('by', 'must be strategy or market');
      const { data } = await readTradeStatistics(s, rest);
      return { data: by === 'market' ? data.markets : data.strategies };
    },
  },
  accounts: {
    description: 'the registered accounts',
    options: [],
    read: (s, q) => listAccounts(s, q),
  },
  strategies: {
    description: 'the registered strategies',
    options: [],
    read: (s, q) => listStrategies(s, q),
  },
  candles: {
    description: 'OHLCV bars of a series over a range, or the newest --count bars',
    options: [
      ['--venue <venue>', ''], ['--symbol <symbol>', ''], ['--timeframe <tf>', '1m 5m 15m 30m 1h 4h 1d 1w (default 1m; 1m 1h 1d with --source trades)'], ...RANGE,
      ['--count <n>', 'the newest n bars (without a range; default 120)'], ['--limit <n>', 'at most n bars of a range'],
      ['--source <source>', "venue (the stored candles, default) | trades (built from the stored trades)"],
    ],
    read: (s, q) => readCandles(s, q),
  },
  trades: {
    description: 'the trade prints of one market over a range, oldest first (default: the last hour)',
    options: TICKS,
    read: (s, q) => listTrades(s, q),
  },
  quotes: {
    description: 'the top-of-book quotes of one market over a range, oldest first (default: the last hour)',
    options: TICKS,
    read: (s, q) => listQuotes(s, q),
  },
  book: {
    description: 'the order-book snapshots of one market over a range, oldest first (default: the last hour)',
    options: TICKS,
    read: (s, q) => listBookSnapshots(s, q),
  },
  'tick-gaps': {
    description: 'runs of more than --max-gap-seconds without a trade (or quote) of one market (default: the last 24 hours)',
    options: [['--venue <venue>', ''], ['--symbol <symbol>', ''], ['--kind <kind>', 'trades | quotes (default trades)'], ...RANGE, ['--max-gap-seconds <s>', 'the longest silence that is not a gap']],
    read: (s, q) => listTickGaps(s, q),
  },
  'stale-quotes': {
    description: 'the symbols of a venue whose latest quote is older than --max-age-seconds, or that have none',
    options: [['--venue <venue>', ''], ['--symbols <list>', 'symbol(s), comma-separated'], ['--max-age-seconds <s>', ''], ['--as-of <time>', 'judge as of this time (default now)']],
    read: (s, q) => listStaleQuotes(s, q),
  },
  events: {
    description: 'events of a range, newest first (default: the last 24 hours)',
    options: [...RANGE, ['--kind <kind>', ''], ['--min-severity <severity>', 'debug | info | warning | error | critical'], ['--source <source>', ''], ['--limit <n>', 'at most n (default 100)'], ['--order <order>', 'asc | desc']],
    read: (s, q) => listEvents(s, q),
  },
};

export function registerQueryCommand(program: Command, globals: () => GlobalOptions): void {
  const query = program.command('query').description(`read stored data: ${Object.keys(KINDS).join(', ')}`);
  for (const [name, kind] of Object.entries(KINDS)) {
    const command = query.command(name).description(kind.description);
    for (const [flags, description] of kind.options) command.option(flags, description);
    if (kind.help) command.addHelpText('after', kind.help);
    command
      .option('--json', 'print JSON (rows and paging facts)')
      .option('--csv', 'print CSV')
      .action(async (options: Record<string, unknown>) => {
        const { json, csv, ...input } = options;
        const format = outputFormat({ json: Boolean(json), csv: Boolean(csv) });
        const answer = await withServices(globals(), async (services) => {
          try {
            return await kind.read(services, input);
          } catch (error) {
            throw asUsageError(error);
          }
        });
        const rows = answer.data.map(flattenRow);
        printRows(format, rows, answer);
        if (format !== 'json') {
          if (answer.truncated) console.error(`(${rows.length} rows; more matched: raise --limit or narrow the range)`);
          if (answer.nextCursor) console.error(`(more: --cursor '${answer.nextCursor}')`);
        }
      });
  }
}

/** Metric points lead with their time; everything else prints as stored. */
function flattenRow(item: object): Record<string, unknown> {
  const row = item as Record<string, unknown>;
  if ('timestamp' in row && 'value' in row) return { time: row.timestamp, name: row.name, value: row.value, labels: row.labels };
  return row;
}
