// How API answers become JSON: money as plain decimal text. Prisma.Decimal's
// own toJSON writes 0.0000001 as "1e-7"; the stores already return decimals
// that print plainly, and this replacer makes sure of it for any Decimal that
// reaches a reply (from Prisma queries too). BigInt counts become numbers
// when exact, text otherwise.

import { Prisma } from '@ag/storage-core';

/** A JSON.stringify replacer: every Decimal as plain decimal text. */
export function moneyJsonReplacer(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown> | undefined)?.[key];
  if (raw !== undefined && raw !== null && typeof raw === 'object' && Prisma.Decimal.isDecimal(raw)) return (raw as Prisma.Decimal).toFixed();
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  return value;
}

/** JSON text of an answer, money as plain decimal text. */
export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, moneyJsonReplacer, indent);
}
