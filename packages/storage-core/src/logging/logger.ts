// pino logging for every ag-storage package, with credentials redacted from
// structured fields, error messages and stacks.

import { pino, stdSerializers, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { REDACTED, redactObject, redactSecrets } from './redact.js';

export type { Logger } from 'pino';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface CreateLoggerOptions {
  level?: LogLevel;
  name?: string;
  /** Where to write; stdout by default. Tests pass a stream to inspect output. */
  destination?: DestinationStream;
}

const REDACT_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'url',
  '*.url',
  '*.*.url',
  'connectionString',
  '*.connectionString',
];

function censor(value: unknown, path: string[]): unknown {
  const key = path[path.length - 1] ?? '';
  if (typeof value === 'string' && (key === 'url' || key === 'connectionString')) return redactSecrets(value);
  return value === undefined ? value : REDACTED;
}

function serializeError(error: unknown): unknown {
  const serialized = stdSerializers.err(error as Error) as unknown;
  if (typeof serialized === 'string') return redactSecrets(serialized);
  if (!serialized || typeof serialized !== 'object') return serialized;
  // Deep: an error's own fields (a ValidationError's value, a driver's detail) may hold objects.
  return redactObject(Object.fromEntries(Object.entries(serialized).filter(([k]) => k !== 'raw')));
}

/** A pino logger whose output never carries a credential. */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const config: LoggerOptions = {
    name: options.name ?? 'ag-storage',
    level: options.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor },
    serializers: { err: serializeError, error: serializeError },
    hooks: {
      logMethod(args, method) {
        const scrubbed = args.map((arg) => (typeof arg === 'string' ? redactSecrets(arg) : arg));
        return method.apply(this, scrubbed as Parameters<typeof method>);
      },
    },
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}
