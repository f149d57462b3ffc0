// Money per currency: fees (a fill's fee is in its fee currency) and funding
// payments are never added across currencies. A running tally keyed by
// currency, exact (ExactDecimal), listed sorted by currency (null first: a
// fee whose currency is not recorded, in a market whose quote currency is
// not known either).

import type { Prisma } from '@ag/storage-core';
import { ExactDecimal, roundToScale, toPrismaDecimal } from '../decimal/exact-decimal.js';

/** An amount in one currency. */
export interface CurrencyAmount {
  currency: string | null;
  amount: Prisma.Decimal;
}

export class CurrencyTally {
  private readonly amounts = new Map<string | null, ExactDecimal>();

  add(currency: string | null, amount: ExactDecimal): void {
    const current = this.amounts.get(currency);
    this.amounts.set(currency, current === undefined ? amount : current.plus(amount));
  }

  addAll(other: CurrencyTally): void {
    for (const [currency, amount] of other.amounts) this.add(currency, amount);
  }

  /** The exact sum of the amounts whose currency passes `counts`. */
  sumWhere(counts: (currency: string | null) => boolean): ExactDecimal {
    let sum = new ExactDecimal(0);
    for (const [currency, amount] of this.amounts) if (counts(currency)) sum = sum.plus(amount);
    return sum;
  }

  /** Every currency with its amount rounded to NUMERIC's 18 decimals, sorted by currency. */
  list(): CurrencyAmount[] {
    return [...this.amounts.entries()]
      .sort(([a], [b]) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1))
      .map(([currency, amount]) => ({ currency, amount: toPrismaDecimal(roundToScale(amount)) }));
  }
}
