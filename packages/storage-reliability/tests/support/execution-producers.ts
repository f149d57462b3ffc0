// Producers of execution history with known identities: in round k,
// producer p places ORDERS_PER_ROUND limit buys of size 1 at price 100
// (client order id `<p>-r<k>-<j>`), opens them, fills each with two fills of
// 0.5 (venue fill id `<client order id>-f<m>`) and stores its position
// snapshot (long 5 per round, entry 100). A call that fails with a retryable
// StorageError (the store already retried connection errors itself) is sent
// again as it was: the writes are idempotent by key. What was acknowledged
// is counted per call, and is what the database must hold afterwards.

import { setTimeout as sleep } from 'node:timers/promises';
import { StorageError } from '@ag/storage-core';
import type { ExecutionStore, FillInput, OrderInput } from '@ag/storage-execution';

export const EXECUTION_VENUE = 'reliability';
export const ORDERS_PER_ROUND = 5;
export const FILLS_PER_ORDER = 2;

export interface ExecutionProducerReport {
  producer: string;
  market: string;
  rounds: number;
  ordersAcknowledged: number;
  fillsAcknowledged: number;
  positionsAcknowledged: number;
  /** Calls that failed retryably after the store's own retries and were sent again by the producer. */
  callerRetries: number;
  /**
   * Rows a call found already stored although this producer wrote them only
   * once: a lost attempt had committed before its connection dropped, and the
   * retry turned them into 'unchanged' / 'duplicate' instead of doubling them.
   */
  foundCommittedOnRetry: number;
  /** The longest a single store call took (connection retries ride through outages inside it). */
  maxCallMs: number;
  failures: string[];
}

export interface RunningExecutionProducers {
  stop(): Promise<ExecutionProducerReport[]>;
}

export interface ExecutionProducerOptions {
  producers: number;
  baseTimeMs: number;
  /** Name prefix of producers and markets, so that several runs stay apart. */
  prefix: string;
  pauseMs: number;
}

export function startExecutionProducers(store: ExecutionStore, options: ExecutionProducerOptions): RunningExecutionProducers {
  let stopping = false;
  const reports: ExecutionProducerReport[] = [];
  const runs = Array.from({ length: options.producers }, async (_, index) => {
    const producer = `${options.prefix}${index}`;
    const report: ExecutionProducerReport = {
      producer,
      market: `${producer.toUpperCase()}-USD`,
      rounds: 0,
      ordersAcknowledged: 0,
      fillsAcknowledged: 0,
      positionsAcknowledged: 0,
      callerRetries: 0,
      foundCommittedOnRetry: 0,
      maxCallMs: 0,
      failures: [],
    };
    reports.push(report);
    const call = async (write: () => Promise<{ inserted: number }>, expected: number): Promise<boolean> => {
      for (;;) {
        const started = performance.now();
        try {
          const { inserted } = await write();
          report.foundCommittedOnRetry += expected - inserted;
          report.maxCallMs = Math.max(report.maxCallMs, Math.round(performance.now() - started));
          return true;
        } catch (error) {
          if (error instanceof StorageError && error.retryable) {
            report.callerRetries += 1;
            await sleep(250);
            continue;
          }
          report.failures.push(`${(error as Error).name}: ${(error as Error).message}`);
          return false;
        }
      }
    };
    for (let k = 0; !stopping; k += 1) {
      const roundTime = options.baseTimeMs + k * 1000;
      const orders: OrderInput[] = Array.from({ length: ORDERS_PER_ROUND }, (_, j) => ({
        clientOrderId: `${producer}-r${k}-${j}`,
        time: new Date(roundTime + j),
        stateTime: new Date(roundTime + j),
        venue: EXECUTION_VENUE,
        market: report.market,
        side: 'buy',
        orderType: 'limit',
        price: '100',
        size: '1',
      }));
      if (!(await call(() => store.storeOrders(orders), orders.length))) return;
      report.ordersAcknowledged += orders.length;
      const opened = orders.map((o, j) => ({ ...o, status: 'open' as const, stateTime: new Date(roundTime + j + 1) }));
      if (!(await call(async () => ({ inserted: (await store.storeOrders(opened)).updated }), opened.length))) return;
      const fills: FillInput[] = orders.flatMap((o, j) =>
        Array.from({ length: FILLS_PER_ORDER }, (_, m) => ({
          clientOrderId: o.clientOrderId,
          venueFillId: `${o.clientOrderId}-f${m}`,
          time: new Date(roundTime + j + 10 + m),
          price: '100',
          size: '0.5',
          fee: '0.01',
        })),
      );
      if (!(await call(() => store.storeFills(fills), fills.length))) return;
      report.fillsAcknowledged += fills.length;
      const size = String((k + 1) * ORDERS_PER_ROUND);
      const position = { time: new Date(roundTime + 500), venue: EXECUTION_VENUE, market: report.market, size, avgEntryPrice: '100' };
      if (!(await call(async () => ({ inserted: (await store.storePosition(position)).outcome === 'inserted' ? 1 : 0 }), 1))) return;
      report.positionsAcknowledged += 1;
      report.rounds = k + 1;
      await sleep(options.pauseMs);
    }
  });
  return {
    async stop() {
      stopping = true;
      await Promise.all(runs);
      return reports;
    },
  };
}
