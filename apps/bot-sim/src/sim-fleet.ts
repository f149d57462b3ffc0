// The simulated bot's fleet: `strategies` market-making strategies, each
// quoting every market in a live and in a paper account of the market's
// venue. Strategies are the bot's own (`<bot>.mm-<n>`, wider quotes for
// higher n); the accounts (`sim-live-<venue>`, `sim-paper-<venue>`) are
// shared by every bot on the database, as venue accounts are, which is why
// two bot-sim processes need different bot names, never different accounts.

import type { AccountMode } from '@ag/storage-execution';
import type { SimulatedMarketSpec, SimulatedTrader } from '@ag/trading-simulation';
import type { StorageServices } from '@ag/storage-services';

export const FLEET_MODES = ['live', 'paper'] as const satisfies readonly AccountMode[];

export interface SimFleet {
  traders: SimulatedTrader[];
  strategies: string[];
  /** Account id -> its mode. */
  accounts: Map<string, AccountMode>;
}

export function accountId(mode: AccountMode, venue: string): string {
  return `sim-${mode}-${venue}`;
}

export function strategyId(botName: string, index: number): string {
  return `${botName}.mm-${index + 1}`;
}

/** The fleet of a bot over some markets (nothing is written). */
export function simFleet(botName: string, strategyCount: number, markets: readonly SimulatedMarketSpec[]): SimFleet {
  const strategies = Array.from({ length: strategyCount }, (_, i) => strategyId(botName, i));
  const traders = strategies.flatMap((strategy, i) =>
    FLEET_MODES.map((mode): SimulatedTrader => ({ strategy, accountAt: (venue) => accountId(mode, venue), spreadFactor: 1 + 0.5 * i })),
  );
  const accounts = new Map<string, AccountMode>();
  for (const spec of markets) for (const mode of FLEET_MODES) accounts.set(accountId(mode, spec.venue), mode);
  return { traders, strategies, accounts };
}

/** Registers the fleet's accounts and strategies (idempotent: a restart, or another bot, finds them there). */
export async function registerSimFleet(services: StorageServices, fleet: SimFleet, markets: readonly SimulatedMarketSpec[]): Promise<void> {
  for (const spec of markets) {
    for (const mode of FLEET_MODES) {
      await services.executions.registerAccount({ id: accountId(mode, spec.venue), venue: spec.venue, name: `simulated ${mode} account at ${spec.venue}`, mode });
    }
  }
  for (const [i, strategy] of fleet.strategies.entries()) {
    await services.executions.registerStrategy({ id: strategy, name: `market maker ${i + 1}`, version: '1', parameters: { kind: 'market-making', spreadFactor: 1 + 0.5 * i } });
  }
}
