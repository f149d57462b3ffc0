// loadConfig under hostile input (issue #7): generated environments
// (AG_STORAGE_<SECTION>_<KEY> with any text: numbers as words, exponents,
// NaN, negative values, SQL, NUL, huge numbers), YAML files of arbitrary
// objects and raw junk text, and override objects with wrong types and
// `__proto__` / `constructor` keys. Each is either a configuration that
// validates again to itself, or a ConfigurationError (a ValidationError)
// naming a key -- never another exception, never a polluted prototype.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { HOSTILE_KEYS, HOSTILE_NUMBERS, HOSTILE_STRINGS, hostilePropertyParameters, HostileTally, WRONG_TYPES } from '@ag/storage-testing/generators';
import { ConfigurationError, loadConfig, validateConfig, ValidationError } from '../src/index.js';

const RUNS = 300;
const defaults = loadConfig({ env: {} }) as unknown as Record<string, Record<string, unknown>>;
const sections = Object.keys(defaults);
const keysOf = (section: string) => Object.keys(defaults[section] ?? {});
const sectionKey = fc.constantFrom(...sections).chain((section) => fc.tuple(fc.constant(section), fc.constantFrom(...keysOf(section), 'unknown_key')));

const envText = fc.oneof(
  fc.integer({ min: -10, max: 100_000 }).map(String),
  fc.constantFrom('true', 'false', 'yes', '1e3', '0x10', 'NaN', 'Infinity', '-0', '', ' ', '1_000', '9'.repeat(400), 'debug', 'info', 'require', 'disable'),
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.string({ maxLength: 30 }),
);
const envArb = fc.array(fc.tuple(sectionKey, envText), { maxLength: 6 }).map((entries) =>
  Object.fromEntries(entries.map(([[section, key], value]) => [`AG_STORAGE_${section.toUpperCase()}_${key.toUpperCase()}`, value])),
);

const leaf = fc.oneof(fc.constantFrom(...HOSTILE_NUMBERS), fc.constantFrom(...HOSTILE_STRINGS), fc.integer({ min: -5, max: 50_000 }), fc.boolean(), fc.constant(null));
const section = (name: string) =>
  fc.array(fc.tuple(fc.oneof(fc.constantFrom(...keysOf(name)), fc.constantFrom(...HOSTILE_KEYS)), fc.oneof(leaf, fc.constantFrom(...WRONG_TYPES))), { maxLength: 4 }).map((e) => Object.fromEntries(e));
const overridesArb = fc.oneof(
  fc.array(fc.tuple(fc.oneof(fc.constantFrom(...sections), fc.constantFrom(...HOSTILE_KEYS)), fc.constantFrom(...sections).chain(section)), { maxLength: 3 }).map((e) => Object.fromEntries(e)),
  fc.constantFrom(...WRONG_TYPES).filter((v) => v !== undefined),
);

/**
 * Configurations valid by every documented rule (each key's range, the
 * cross-field rule max_buffer_size >= batch_size, metric override names with
 * quotes and SQL in them): each must load back with exactly these values,
 * whether it comes as overrides, from the environment or from a YAML file.
 */
const validSettingsArb = fc
  .record({
    batch_size: fc.integer({ min: 1, max: 1_000_000 }),
    extraBuffer: fc.integer({ min: 0, max: 1_000_000 }),
    flush_interval_ms: fc.integer({ min: 1, max: 3_600_000 }),
    writer_concurrency: fc.integer({ min: 1, max: 64 }),
    max_results: fc.integer({ min: 1, max: 1_000_000 }),
    metrics_retention_days: fc.integer({ min: 1, max: 36_500 }),
    events_retention_days: fc.oneof(fc.integer({ min: 1, max: 36_500 }), fc.constant('forever' as const)),
    level: fc.constantFrom('trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'),
    override: fc.tuple(
      fc.oneof(fc.stringMatching(/^[a-z][a-z0-9_.:-]{0,30}$/), fc.constantFrom("x'); DROP TABLE metric_points; --", 'polymarket.rtds.lag_ms', 'constructor', 'toString')),
      fc.integer({ min: 1, max: 36_500 }),
    ),
  })
  .map((v) => ({
    ingestion: { batch_size: v.batch_size, max_buffer_size: v.batch_size + v.extraBuffer, flush_interval_ms: v.flush_interval_ms, writer_concurrency: v.writer_concurrency },
    query: { max_results: v.max_results },
    retention: { metrics_retention_days: v.metrics_retention_days, events_retention_days: v.events_retention_days, metric_overrides: { [v.override[0]]: v.override[1] } },
    logging: { level: v.level },
  }));

describe('loadConfig under hostile input', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ag-config-hostile-'));
  const tally = new HostileTally('config');
  afterAll(() => {
    console.log(tally.report());
    rmSync(dir, { recursive: true, force: true });
  });

  /** Loads; a result must validate again to itself, a failure must be a ConfigurationError naming a key. */
  const loadOrReject = (api: string, load: () => unknown) => {
    try {
      const config = load();
      tally.stored(api);
      expect(validateConfig(config)).toEqual(config);
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.field.length).toBeGreaterThan(0);
      tally.rejected(api);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  };

  it('valid settings: loaded back exactly as given, from overrides, the environment and YAML (never refused)', () => {
    const file = path.join(dir, 'valid.yaml');
    fc.assert(
      fc.property(validSettingsArb, (settings) => {
        const fromOverrides = loadConfig({ env: {}, overrides: settings as never });
        const env: Record<string, string> = {};
        for (const [section, values] of Object.entries(settings)) {
          for (const [key, value] of Object.entries(values)) {
            if (key !== 'metric_overrides') env[`AG_STORAGE_${section.toUpperCase()}_${key.toUpperCase()}`] = String(value);
          }
        }
        const fromEnv = loadConfig({ env, overrides: { retention: { metric_overrides: settings.retention.metric_overrides } } });
        writeFileSync(file, stringify(settings));
        const fromYaml = loadConfig({ env: {}, file });
        for (const config of [fromOverrides, fromEnv, fromYaml]) {
          expect(config.ingestion).toMatchObject(settings.ingestion);
          expect(config.query).toMatchObject(settings.query);
          expect(config.logging).toMatchObject(settings.logging);
          expect(config.retention).toMatchObject(settings.retention);
          expect(Object.keys(config.retention.metric_overrides ?? {})).toEqual(Object.keys(settings.retention.metric_overrides));
        }
        tally.stored('valid settings', 3);
      }),
      hostilePropertyParameters(RUNS / 3),
    );
  });

  it('environment values: a valid configuration or a ConfigurationError', () => {
    fc.assert(fc.property(envArb, (env) => loadOrReject('env', () => loadConfig({ env }))), hostilePropertyParameters(RUNS));
  });

  it('override objects: a valid configuration or a ConfigurationError', () => {
    fc.assert(
      fc.property(overridesArb, (overrides) => loadOrReject('overrides', () => loadConfig({ env: {}, overrides: overrides as never }))),
      hostilePropertyParameters(RUNS),
    );
  });

  it('YAML files of generated objects and of junk text: a valid configuration or a ConfigurationError', () => {
    const file = path.join(dir, 'config.yaml');
    const yamlText = fc.oneof(
      overridesArb.map((o) => yamlOf(o)),
      fc.string({ maxLength: 200 }),
      fc.constantFrom('database: [', '{{{', 'a: *unknown_alias', '__proto__: { polluted: true }', 'database:\n  url: !!js/function "x"', '- 1\n- 2', '~', ''),
    );
    fc.assert(
      fc.property(yamlText, (text) => {
        writeFileSync(file, text);
        loadOrReject('yaml file', () => loadConfig({ env: {}, file }));
      }),
      hostilePropertyParameters(RUNS),
    );
  });
});

/** YAML of a generated value; values YAML cannot represent (functions, objects without a prototype) become some text. */
function yamlOf(value: unknown): string {
  try {
    return stringify(value);
  } catch {
    try {
      return String(value);
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
}
