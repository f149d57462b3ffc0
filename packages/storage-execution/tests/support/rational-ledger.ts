// An independent oracle for the average cost method: exact rational
// arithmetic on BigInt (no decimal library, no rounding anywhere), written
// straight from the definition, so that the library's ledger is checked
// against something that does not share its code or its number type.

export class Rational {
  readonly n: bigint;
  readonly d: bigint;

  /** n / d, kept reduced with a positive denominator. */
  constructor(n: bigint, d: bigint = 1n) {
    if (d === 0n) throw new Error('division by zero');
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    const g = gcd(n < 0n ? -n : n, d);
    this.n = n / g;
    this.d = d / g;
  }

  static of(text: string): Rational {
    const negative = text.startsWith('-');
    const body = negative || text.startsWith('+') ? text.slice(1) : text;
    const [whole = '0', fraction = ''] = body.split('.');
    return new Rational(BigInt(whole + fraction) * (negative ? -1n : 1n), 10n ** BigInt(fraction.length));
  }

  plus(o: Rational): Rational { return new Rational(this.n * o.d + o.n * this.d, this.d * o.d); }
  minus(o: Rational): Rational { return new Rational(this.n * o.d - o.n * this.d, this.d * o.d); }
  times(o: Rational): Rational { return new Rational(this.n * o.n, this.d * o.d); }
  div(o: Rational): Rational { return new Rational(this.n * o.d, this.d * o.n); }
  sign(): number { return this.n === 0n ? 0 : this.n > 0n ? 1 : -1; }
  abs(): Rational { return new Rational(this.n < 0n ? -this.n : this.n, this.d); }
  compare(o: Rational): number { return this.minus(o).sign(); }

  /** Decimal text rounded half-even to `scale` fractional digits, without trailing zeros. */
  toFixed(scale: number): string {
    const scaled = this.n * 10n ** BigInt(scale);
    let q = scaled / this.d;
    const rem = scaled % this.d;
    const twice = (rem < 0n ? -rem : rem) * 2n;
    if (twice > this.d || (twice === this.d && q % 2n !== 0n)) q += scaled < 0n ? -1n : 1n;
    const negative = q < 0n;
    const digits = (negative ? -q : q).toString().padStart(scale + 1, '0');
    const text = scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`.replace(/\.?0+$/, '');
    return (negative && text !== '0' ? '-' : '') + text;
  }
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}

export interface OracleFill { side: 'buy' | 'sell'; price: string; size: string; fee: string }

export interface OracleTrip { netPnl: Rational; grossPnl: Rational; fees: Rational; closedAtIndex: number }

/** Replays fills: position (signed), average entry, realized PnL net of fees, and the round trips closed. */
export function replayWithRationals(fills: readonly OracleFill[], includeFees = true) {
  const zero = new Rational(0n);
  let position = zero;
  let avg: Rational | null = null;
  let realized = zero;
  const trips: OracleTrip[] = [];
  let tripGross = zero;
  let tripFees = zero;
  fills.forEach((fill, index) => {
    const qty = Rational.of(fill.size);
    const price = Rational.of(fill.price);
    const fee = includeFees ? Rational.of(fill.fee) : zero;
    const signed = fill.side === 'buy' ? qty : new Rational(-qty.n, qty.d);
    realized = realized.minus(fee);
    if (position.sign() === 0 || position.sign() === signed.sign()) {
      const held = position.abs();
      avg = avg === null || held.sign() === 0 ? price : held.times(avg).plus(qty.times(price)).div(held.plus(qty));
      position = position.plus(signed);
      tripFees = tripFees.plus(fee);
      return;
    }
    const held = position.abs();
    const closing = qty.compare(held) < 0 ? qty : held;
    const pnl = price.minus(avg as Rational).times(closing).times(new Rational(BigInt(position.sign())));
    realized = realized.plus(pnl);
    tripGross = tripGross.plus(pnl);
    if (qty.compare(held) < 0) {
      tripFees = tripFees.plus(fee);
      position = position.plus(signed);
      return;
    }
    const closingFee = fee.times(closing).div(qty);
    tripFees = tripFees.plus(closingFee);
    trips.push({ grossPnl: tripGross, fees: tripFees, netPnl: tripGross.minus(tripFees), closedAtIndex: index });
    tripGross = zero;
    tripFees = fee.minus(closingFee);
    const rest = qty.minus(held);
    position = rest.sign() === 0 ? zero : signed.sign() > 0 ? rest : new Rational(-rest.n, rest.d);
    avg = rest.sign() === 0 ? null : price;
    if (rest.sign() === 0) tripFees = zero;
  });
  return { position, avg: avg as Rational | null, realized, trips };
}
