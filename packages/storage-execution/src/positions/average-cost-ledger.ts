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
// Fees are taken to be in the quote currency.
//
// All arithmetic is ExactDecimal (120 significant digits); only divisions
// (averages, fee splits) are inexact, far below NUMERIC's 18 decimals.

import { ExactDecimal } from '../decimal/exact-decimal.js';

export interface LedgerFill {
  time: Date;
  side: 'buy' | 'sell';
  price: ExactDecimal;
  size: ExactDecimal;
  fee: ExactDecimal;
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
  fees: ExactDecimal;
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

  constructor(private readonly includeFees: boolean) {}

  /** Applies one fill; returns the round trips it closed (none, or one). */
  apply(fill: LedgerFill): ClosedRoundTrip[] {
    this.fillCount += 1;
    const fee = this.includeFees ? fill.fee : ZERO;
    const signed = fill.side === 'buy' ? fill.size : fill.size.neg();
    this.realizedPnl = this.realizedPnl.minus(fee);

    if (this.size.isZero() || this.size.isPositive() === signed.isPositive()) {
      this.open(fill, fill.size, fee);
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
      this.size = this.size.plus(signed);
      return [];
    }
    const closingFee = fill.size.equals(held) ? fee : fee.times(closing).div(fill.size);
    trip.fees = trip.fees.plus(closingFee);
    const closed = this.closeTrip(trip, fill.time);
    this.size = ZERO;
    this.avgEntryPrice = null;
    this.trip = null;
    const rest = fill.size.minus(held);
    if (rest.greaterThan(0)) {
      this.open(fill, rest, fee.minus(closingFee), signed.isPositive() ? 1 : -1);
    }
    return [closed];
  }

  private open(fill: LedgerFill, quantity: ExactDecimal, fee: ExactDecimal, sign?: 1 | -1): void {
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
      fillCount: 0,
    };
    this.trip.entryQuantity = this.trip.entryQuantity.plus(quantity);
    this.trip.entryNotional = this.trip.entryNotional.plus(quantity.times(fill.price));
    this.trip.fees = this.trip.fees.plus(fee);
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
      netPnl: trip.grossPnl.minus(trip.fees),
      fillCount: trip.fillCount,
    };
  }
}
