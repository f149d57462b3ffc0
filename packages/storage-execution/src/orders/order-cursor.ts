// The opaque cursor of queryOrders' keyset pagination: the (time, id) of the
// last order of a page, time as exact microseconds (time-keyset.ts), and the
// direction it was made for. base64url of a small JSON document.

import { ValidationError } from '@ag/storage-core';

export type SortOrder = 'asc' | 'desc';

export interface OrderCursor {
  micros: string;
  id: string;
  order: SortOrder;
}

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodeOrderCursor(cursor: OrderCursor): string {
  return Buffer.from(JSON.stringify({ t: cursor.micros, id: cursor.id, o: cursor.order })).toString('base64url');
}

export function decodeOrderCursor(text: string, field: string): OrderCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new ValidationError(field, text, 'not a cursor returned by queryOrders');
  }
  const { t, id, o } = (parsed ?? {}) as { t?: unknown; id?: unknown; o?: unknown };
  if (typeof t !== 'string' || !/^-?\d{1,19}$/.test(t) || typeof id !== 'string' || !UUID_TEXT.test(id) || (o !== 'asc' && o !== 'desc')) {
    throw new ValidationError(field, text, 'not a cursor returned by queryOrders');
  }
  return { micros: t, id, order: o };
}
