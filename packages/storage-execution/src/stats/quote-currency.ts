// The quote currency of a market, read from its name: the part after the
// last '-', '/' or ':' ("BTC-USDT" and "ETH/USDT" are quoted in USDT, the
// perpetual "BTC/USDT:USDT" settles in USDT); null when the name has no such
// separator. Trade PnL is in the quote currency, so only fees in it (or with
// no recorded currency, which a fill input documents as the quote currency)
// are subtracted from PnL; fees and funding in other currencies are reported
// per currency, never converted.

const SEPARATORS = /[-/:]/;

export function quoteCurrencyOf(market: string): string | null {
  if (!SEPARATORS.test(market)) return null;
  const parts = market.split(SEPARATORS);
  const last = parts[parts.length - 1] as string;
  return last.trim() === '' ? null : last.trim().toUpperCase();
}

/** Whether an amount in `currency` counts in a PnL quoted in `quote` (a missing currency means the quote currency). */
export function countsInPnl(currency: string | null, quote: string | null): boolean {
  return currency === null || (quote !== null && currency.toUpperCase() === quote);
}
