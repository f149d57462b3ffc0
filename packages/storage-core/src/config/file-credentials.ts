// Refuses a password written literally in a config file: files get copied,
// committed and pasted; a password belongs in the environment, which a file
// names with a ${VAR} reference (or in DATABASE_URL itself).

import { ConfigurationError } from '../errors/storage-error.js';

/** A value that is exactly one ${VAR} reference, with no (or an empty) default. */
const PURE_REFERENCE = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::-)?\}$/;
/** The userinfo of a URL: scheme://user:password@ (the password may hold a ${VAR}). */
const URL_USERINFO = /^[a-z][a-z0-9+.-]*:\/\/([^@/?#]*)@/i;
const SECRET_QUERY_PARAMETERS = ['password', 'sslpassword'];

const ADVICE = 'write ${DB_PASSWORD} (set in the environment) instead, or set DATABASE_URL / AG_STORAGE_DATABASE_PASSWORD';

/** Throws ConfigurationError when the file's `database` section holds a literal password. */
export function assertNoLiteralCredentials(fromFile: Record<string, unknown>, file: string): void {
  const database = fromFile.database;
  if (!database || typeof database !== 'object' || Array.isArray(database)) return;
  const { password, url, read_url: readUrl } = database as Record<string, unknown>;
  if (password !== undefined && password !== null && password !== '' && !isPureReference(password)) {
    throw refuse('database.password', file);
  }
  if (typeof url === 'string' && urlHasLiteralPassword(url)) throw refuse('database.url', file);
  if (typeof readUrl === 'string' && urlHasLiteralPassword(readUrl)) throw refuse('database.read_url', file);
}

/** Whether a URL as written carries a password that is not a ${VAR} reference. */
export function urlHasLiteralPassword(url: string): boolean {
  const userinfo = URL_USERINFO.exec(url)?.[1];
  const colon = userinfo?.indexOf(':') ?? -1;
  if (userinfo !== undefined && colon >= 0) {
    const secret = userinfo.slice(colon + 1);
    if (secret !== '' && !isPureReference(secret)) return true;
  }
  const queryStart = url.indexOf('?');
  if (queryStart < 0) return false;
  const query = url.slice(queryStart + 1).split('#')[0] ?? '';
  for (const pair of query.split('&')) {
    const [name, ...rest] = pair.split('=');
    const value = rest.join('=');
    if (SECRET_QUERY_PARAMETERS.includes((name ?? '').toLowerCase()) && value !== '' && !isPureReference(decodeSafely(value))) {
      return true;
    }
  }
  return false;
}

function isPureReference(value: unknown): boolean {
  return typeof value === 'string' && PURE_REFERENCE.test(value.trim());
}

function decodeSafely(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function refuse(key: string, file: string): ConfigurationError {
  return new ConfigurationError(key, '***', `a literal password in the config file ${file} is refused: ${ADVICE}`);
}
