// The opaque cursor of the keyset-paged reads (queryOrders, queryFills): the
// (time, id) of the last row of a page, time as exact microseconds
// (time-keyset.ts), and the direction it was made for. base64url of a small
// JSON document.

import { ValidationError } from '@ag/storage-core';

export type SortOrder = 'asc' | 'desc';

export interface PageCursor {
  micros: string;
  id: string;
  order: SortOrder;
}

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodePageCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify({ t: cursor.micros, id: cursor.id, o: cursor.order })).toString('base64url');
}

export function decodePageCursor(text: string, field: string): PageCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new ValidationError(field, text, 'not a cursor returned by this query');
  }
  const { t, id, o } = (parsed ?? {}) as { t?: unknown; id?: unknown; o?: unknown };
  if (typeof t !== 'string' || !/^-?\d{1,19}$/.test(t) || typeof id !== 'string' || !UUID_TEXT.test(id) || (o !== 'asc' && o !== 'desc')) {
    throw new ValidationError(field, text, 'not a cursor returned by this query');
  }
  return { micros: t, id, order: o };
}
