// Keeps credentials out of anything a human may read: connection URLs,
// key=value connection strings and free text that embeds either.

const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)([^:/?#@\s]*):([^@/?#\s]*)@/gi;
const KEY_VALUE_SECRET = /\b(password|passwd|pwd|secret|token|api_key|apikey)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s&,;]+)/gi;
const QUERY_SECRET = /([?&](?:password|sslpassword|token|secret)=)[^&\s]*/gi;

export const REDACTED = '***';

/** A connection URL with its password replaced; unparseable input is scrubbed as text. */
export function redactUrl(url: string): string {
  return redactSecrets(url);
}

/** Any text with embedded URL passwords and `password=...` pairs masked. */
export function redactSecrets(text: string): string {
  if (!text) return text;
  return text
    .replace(URL_CREDENTIALS, (_m, scheme: string, user: string) => `${scheme}${user}:${REDACTED}@`)
    .replace(QUERY_SECRET, `$1${REDACTED}`)
    .replace(KEY_VALUE_SECRET, `$1$2${REDACTED}`);
}

/** A deep copy of a config-like object with secret-looking keys masked and URLs scrubbed. */
export function redactObject<T>(value: T): T {
  return redactValue(value, undefined, new WeakSet()) as T;
}

const SECRET_KEYS = /^(password|passwd|pwd|secret|token|api_key|apikey|authorization|sslpassword)$/i;

/** Whether a key (`password`, `api_key`, ...) names a secret. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.test(key);
}

function redactValue(value: unknown, key: string | undefined, seen: WeakSet<object>): unknown {
  if (key !== undefined && isSecretKey(key) && value !== undefined && value !== null && value !== '') return REDACTED;
  if (typeof value === 'string') return redactSecrets(value);
  if (value instanceof Date || !value || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  const copy = Array.isArray(value)
    ? value.map((item) => redactValue(item, undefined, seen))
    : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, k, seen)]));
  seen.delete(value);
  return copy;
}
