// Rebuilds a position from its fills with the average cost method, and cuts
// the fill stream into round trips. Trade statistics and reconciliation both
// replay fills through it.
//
// Average cost: buying into a long (or selling into a short) moves the
// average entry price to the size-weighted mean; reducing realizes
// (exit price - average entry) x closed size (sign-adjusted for shorts) and
// leaves the average unchanged; a fill larger than the position closes it
// and opens the opposite side with the rest at the fill price.
//
// A round trip (a "trade") runs from the fill that opens a position from
// flat to the fill that brings it back to flat or flips it. Its net PnL is
// the PnL it realized less the fees of its fills; a flipping fill's fee is
// split between the trip it closes and the one it opens by quantity.
// Only fees in the quote currency (or with no currency recorded) are
// subtracted from PnL (stats/quote-currency.ts); every fee is also tallied
// per currency, split the same way.
//
// All arithmetic is ExactDecimal (120 significant digits); only divisions
// (averages, fee splits) are inexact, far below NUMERIC's 18 decimals.

import { ExactDecimal } from '../decimal/exact-decimal.js';
import { CurrencyTally } from '../stats/fee-totals.js';
import { countsInPnl } from '../stats/quote-currency.js';

export interface LedgerFill {
  time: Date;
  side: 'buy' | 'sell';
  price: ExactDecimal;
  size: ExactDecimal;
  fee: ExactDecimal;
  /** The fee's currency; absent or null: the quote currency. */
  feeCurrency?: string | null;
}

export interface ClosedRoundTrip {
  direction: 'long' | 'short';
  openedAt: Date;
  closedAt: Date;
  /** Total size opened (and closed). */
  quantity: ExactDecimal;
  avgEntryPrice: ExactDecimal;
  avgExitPrice: ExactDecimal;
  grossPnl: ExactDecimal;
  /** Fees subtracted from PnL (quote currency; zero when fees are left out). */
  fees: ExactDecimal;
  /** Every fee of the trip, per currency. */
  feesByCurrency: CurrencyTally;
  netPnl: ExactDecimal;
  fillCount: number;
}

interface OpenTrip {
  direction: 'long' | 'short';
  openedAt: Date;
  entryQuantity: ExactDecimal;
  entryNotional: ExactDecimal;
  exitQuantity: ExactDecimal;
  exitNotional: ExactDecimal;
  grossPnl: ExactDecimal;
  fees: ExactDecimal;
  feesByCurrency: CurrencyTally;
  fillCount: number;
}

const ZERO = new ExactDecimal(0);

export class AverageCostLedger {
  /** Signed size: long > 0, short < 0. */
  size: ExactDecimal = ZERO;
  /** Average entry price of the open position (unrounded); null when flat. */
  avgEntryPrice: ExactDecimal | null = null;
  /** PnL realized so far, less fees when fees are included. */
  realizedPnl: ExactDecimal = ZERO;
  fillCount = 0;
  private trip: OpenTrip | null = null;

  /**
   * @param includeFees subtract the fees in the quote currency from PnL
   * @param quoteCurrency the market's quote currency, when known
   */
  constructor(
    private readonly includeFees: boolean,
    private readonly quoteCurrency: string | null = null,
  ) {}

  /** Applies one fill; returns the round trips it closed (none, or one). */
  apply(fill: LedgerFill): ClosedRoundTrip[] {
    this.fillCount += 1;
    const feeCurrency = fill.feeCurrency ?? null;
    const fee = this.includeFees && countsInPnl(feeCurrency, this.quoteCurrency) ? fill.fee : ZERO;
    const charged = { currency: feeCurrency ?? this.quoteCurrency, amount: fill.fee };
    const signed = fill.side === 'buy' ? fill.size : fill.size.neg();
    this.realizedPnl = this.realizedPnl.minus(fee);

    if (this.size.isZero() || this.size.isPositive() === signed.isPositive()) {
      this.open(fill, fill.size, fee, charged.currency, charged.amount);
      return [];
    }

    const held = this.size.abs();
    const closing = ExactDecimal.min(fill.size, held);
    const direction = this.size.isPositive() ? 1 : -1;
    const pnl = fill.price.minus(this.avgEntryPrice as ExactDecimal).times(closing).times(direction);
    this.realizedPnl = this.realizedPnl.plus(pnl);
    const trip = this.trip as OpenTrip;
    trip.exitQuantity = trip.exitQuantity.plus(closing);
    trip.exitNotional = trip.exitNotional.plus(closing.times(fill.price));
    trip.grossPnl = trip.grossPnl.plus(pnl);
    trip.fillCount += 1;

    if (fill.size.lessThan(held)) {
      trip.fees = trip.fees.plus(fee);
      trip.feesByCurrency.add(charged.currency, charged.amount);
      this.size = this.size.plus(signed);
      return [];
    }
    const whole = fill.size.equals(held);
    const closingFee = whole ? fee : fee.times(closing).div(fill.size);
    const closingCharge = whole ? charged.amount : charged.amount.times(closing).div(fill.size);
    trip.fees = trip.fees.plus(closingFee);
    trip.feesByCurrency.add(charged.currency, closingCharge);
    const closed = this.closeTrip(trip, fill.time);
    this.size = ZERO;
    this.avgEntryPrice = null;
    this.trip = null;
    const rest = fill.size.minus(held);
    if (rest.greaterThan(0)) {
      this.open(fill, rest, fee.minus(closingFee), charged.currency, charged.amount.minus(closingCharge), signed.isPositive() ? 1 : -1);
    }
    return [closed];
  }

  private open(fill: LedgerFill, quantity: ExactDecimal, fee: ExactDecimal, chargeCurrency: string | null, charge: ExactDecimal, sign?: 1 | -1): void {
    const side = sign ?? (fill.side === 'buy' ? 1 : -1);
    const held = this.size.abs();
    this.avgEntryPrice =
      this.avgEntryPrice === null || held.isZero()
        ? fill.price
        : held.times(this.avgEntryPrice).plus(quantity.times(fill.price)).div(held.plus(quantity));
    this.size = this.size.plus(side === 1 ? quantity : quantity.neg());
    this.trip ??= {
      direction: side === 1 ? 'long' : 'short',
      openedAt: fill.time,
      entryQuantity: ZERO,
      entryNotional: ZERO,
      exitQuantity: ZERO,
      exitNotional: ZERO,
      grossPnl: ZERO,
      fees: ZERO,
      feesByCurrency: new CurrencyTally(),
      fillCount: 0,
    };
    this.trip.entryQuantity = this.trip.entryQuantity.plus(quantity);
    this.trip.entryNotional = this.trip.entryNotional.plus(quantity.times(fill.price));
    this.trip.fees = this.trip.fees.plus(fee);
    this.trip.feesByCurrency.add(chargeCurrency, charge);
    this.trip.fillCount += 1;
  }

  private closeTrip(trip: OpenTrip, closedAt: Date): ClosedRoundTrip {
    return {
      direction: trip.direction,
      openedAt: trip.openedAt,
      closedAt,
      quantity: trip.entryQuantity,
      avgEntryPrice: trip.entryNotional.div(trip.entryQuantity),
      avgExitPrice: trip.exitNotional.div(trip.exitQuantity),
      grossPnl: trip.grossPnl,
      fees: trip.fees,
      feesByCurrency: trip.feesByCurrency,
      netPnl: trip.grossPnl.minus(trip.fees),
      fillCount: trip.fillCount,
    };
  }
}
