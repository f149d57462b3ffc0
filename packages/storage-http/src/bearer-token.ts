// Bearer-token check for the /api routes: the Authorization header must be
// `Bearer <token>`. Both sides are hashed (SHA-256) and compared with
// timingSafeEqual, so the comparison takes the same time whatever the input
// (and whatever its length). The token is never logged or echoed.

import { createHash, timingSafeEqual } from 'node:crypto';

export type TokenCheck = (authorization: string | undefined) => boolean;

export function bearerTokenCheck(token: string): TokenCheck {
  if (token.length === 0) throw new RangeError('API token must not be empty');
  const expected = digest(token);
  return (authorization) => {
    const match = /^Bearer[ \t]+(.+)$/i.exec(authorization?.trim() ?? '');
    const presented = digest(match?.[1] ?? '');
    // Hash first: timingSafeEqual needs equal lengths, and a length check would leak.
    return timingSafeEqual(expected, presented) && match !== null;
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
