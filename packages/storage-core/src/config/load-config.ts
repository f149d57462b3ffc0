// loadConfig(): defaults <- YAML file <- environment <- explicit overrides,
// with ${ENV_VAR} references resolved, validated by zod. A bad value fails
// with a ConfigurationError naming the key, the value and where it came from;
// a password written literally in the file is refused (file-credentials.ts).

import { existsSync, readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigurationError } from '../errors/storage-error.js';
import { assertNoLiteralCredentials } from './file-credentials.js';
import { storageConfigSchema, type DeepPartial, type StorageConfig } from './config-schema.js';

export interface LoadConfigOptions {
  /** YAML file; default: $AG_STORAGE_CONFIG, else ./ag-storage.yaml when present. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Applied last (wins over file and environment). */
  overrides?: DeepPartial<StorageConfig>;
}

export const ENV_PREFIX = 'AG_STORAGE_';
const DEFAULT_CONFIG_FILE = 'ag-storage.yaml';
const SECTIONS = ['database', 'ingestion', 'retention', 'query', 'logging'] as const;
/** Keys whose environment values stay strings even when they look like numbers (a password "123456"). */
const STRING_KEYS = new Set(['database.url', 'database.read_url', 'database.host', 'database.database', 'database.user', 'database.password', 'retention.archive_directory']);
const ENV_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

type PlainObject = Record<string, unknown>;

export function loadConfig(options: LoadConfigOptions = {}): StorageConfig {
  const env = options.env ?? process.env;
  const sources = new Map<string, string>();
  let merged: PlainObject = {};

  const file = options.file ?? env.AG_STORAGE_CONFIG ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined);
  if (file !== undefined) {
    const fromFile = readConfigFile(file);
    assertNoLiteralCredentials(fromFile, file);
    merged = mergeDeep(merged, resolveEnvReferences(fromFile, env, ''), sources, `file ${file}`);
  }
  merged = mergeDeep(merged, readEnvironment(env), sources, 'environment');
  if (options.overrides) merged = mergeDeep(merged, options.overrides as PlainObject, sources, 'options');

  return validateConfig(merged, sources);
}

/** Validates a raw config object; throws ConfigurationError for the first bad key. */
export function validateConfig(raw: unknown, sources: Map<string, string> = new Map()): StorageConfig {
  const result = storageConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0] as z.core.$ZodIssue;
  const keyPath = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
  const key = keyPath.map(String).join('.') || '(root)';
  const value = getPath(raw, keyPath.map(String));
  const source = sources.get(key);
  const reason = issue.code === 'unrecognized_keys' ? 'unknown configuration key' : issue.message;
  throw new ConfigurationError(key, value, source ? `${reason} (from ${source})` : reason);
}

function readConfigFile(file: string): PlainObject {
  if (!existsSync(file)) throw new ConfigurationError('config file', file, 'file not found');
  let parsed: unknown;
  try {
    // A warning (an unknown tag such as !!js/function) is refused like an error:
    // a config file means exactly what it says or nothing.
    const document = parseDocument(readFileSync(file, 'utf8'));
    const problem = document.errors[0] ?? document.warnings[0];
    if (problem) throw problem;
    parsed = document.toJS();
  } catch (error) {
    throw new ConfigurationError('config file', file, `not valid YAML: ${(error as Error).message}`, { cause: error });
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigurationError('config file', file, 'must contain a mapping at the top level');
  }
  return parsed as PlainObject;
}

/** Replaces ${VAR} and ${VAR:-default} in every string of a parsed file. */
export function resolveEnvReferences<T>(value: T, env: NodeJS.ProcessEnv, keyPath: string): T {
  if (typeof value === 'string') {
    return value.replace(ENV_REFERENCE, (_m, name: string, fallback: string | undefined) => {
      const found = env[name];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      throw new ConfigurationError(keyPath || '(root)', value, `environment variable ${name} is not set`);
    }) as T;
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveEnvReferences(v, env, `${keyPath}[${i}]`)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, resolveEnvReferences(v, env, keyPath ? `${keyPath}.${k}` : k)]),
    ) as T;
  }
  return value;
}

/** DATABASE_URL, DATABASE_READ_URL and AG_STORAGE_<SECTION>_<KEY> (e.g. AG_STORAGE_INGESTION_BATCH_SIZE=5000). */
function readEnvironment(env: NodeJS.ProcessEnv): PlainObject {
  const out: PlainObject = {};
  const put = (section: string, key: string, value: unknown) => {
    const target = (out[section] ??= {}) as PlainObject;
    target[key] = value;
  };
  if (env.DATABASE_URL) put('database', 'url', env.DATABASE_URL);
  if (env.DATABASE_READ_URL) put('database', 'read_url', env.DATABASE_READ_URL);
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || raw === undefined || name === 'AG_STORAGE_CONFIG') continue;
    const rest = name.slice(ENV_PREFIX.length).toLowerCase();
    const section = SECTIONS.find((s) => rest.startsWith(`${s}_`));
    if (!section) continue;
    const key = rest.slice(section.length + 1);
    if (section === 'database' && key.startsWith('ssl_')) {
      const sslKey = key.slice(4);
      const ssl = ((out.database as PlainObject | undefined)?.ssl ?? {}) as PlainObject;
      ssl[sslKey] = raw;
      put('database', 'ssl', ssl);
      continue;
    }
    put(section, key, STRING_KEYS.has(`${section}.${key}`) ? raw : parseEnvScalar(raw));
  }
  return out;
}

/** "500" -> 500, "true" -> true; anything else stays the string it was. */
function parseEnvScalar(raw: string): unknown {
  const trimmed = raw.trim();
  if (trimmed === 'true') return true;
  if (trimmed === 'false') return false;
  if (trimmed !== '' && /^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  return raw;
}

function mergeDeep(base: PlainObject, extra: PlainObject, sources: Map<string, string>, source: string, prefix = ''): PlainObject {
  const out: PlainObject = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) continue;
    const keyPath = prefix ? `${prefix}.${key}` : key;
    const current = out[key];
    if (isPlainObject(value) && isPlainObject(current)) {
      out[key] = mergeDeep(current, value, sources, source, keyPath);
    } else {
      out[key] = value;
      recordSources(keyPath, value, sources, source);
    }
  }
  return out;
}

function recordSources(keyPath: string, value: unknown, sources: Map<string, string>, source: string): void {
  sources.set(keyPath, source);
  if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) recordSources(`${keyPath}.${k}`, v, sources, source);
  }
}

function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function getPath(value: unknown, keyPath: string[]): unknown {
  let current: unknown = value;
  for (const key of keyPath) {
    if (!isPlainObject(current)) return undefined;
    current = current[key];
  }
  return current;
}
