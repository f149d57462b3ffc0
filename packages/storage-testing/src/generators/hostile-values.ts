// A catalog of hostile inputs shared by the property tests of every write
// API (issue #7): strings that break quoting, encodings and naive parsers,
// numbers at the edges of IEEE 754 and NUMERIC(38,18), timestamps outside
// any sane range, keys that touch prototypes, and values of the wrong type.
// Plain data only (no test framework): each suite builds its fast-check
// arbitraries from these with fc.constantFrom and mixes them with random ones.

/** Text that breaks SQL quoting, COPY / array literals, JSON, or UTF-8 encoding. */
export const HOSTILE_STRINGS: readonly string[] = [
  "'; DROP TABLE orders; --",
  "x' OR '1'='1",
  '"; DELETE FROM fills; --',
  '$$',
  '$1',
  '$tag$ body $tag$',
  '\\x00',
  '\\',
  '\\\\N',
  '\\N',
  'NULL',
  'null',
  '{}',
  '{a,"b"}',
  '[1,2]',
  '"',
  "'",
  '`',
  'a,b',
  'a\tb',
  'a\nb',
  'a\rb',
  'a\u0000b',
  '\u0000',
  '\u0007bell',
  '\u007fdel',
  '\u0085nel',
  ' leading space',
  'trailing space ',
  '\u00a0nbsp',
  'ünïcødé ✓',
  'שלום עולם', // RTL
  '\u202eevil\u202c', // RTL override
  'emoji 🚀📉💸',
  '👨‍👩‍👧‍👦',
  'a\ud800b', // lone high surrogate
  '\udc00', // lone low surrogate
  '\ufeffbom',
  '\u200bzero-width',
  'Ω≈ç√∫˜µ≤≥÷',
  '%s%n%x',
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '',
  ' ',
];

/**
 * The hostile strings that are still valid data: no NUL byte (PostgreSQL text
 * cannot hold one) and well-formed UTF-16 (no lone surrogate). A write API
 * must store each of these and read it back unchanged.
 */
export const STORABLE_HOSTILE_STRINGS: readonly string[] = HOSTILE_STRINGS.filter(
  (text) => !text.includes('\u0000') && (text as string & { isWellFormed(): boolean }).isWellFormed(),
);

/** Object keys that are dangerous for naive `obj[key] = value` code. */
export const HOSTILE_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__'];

/** Numbers at the edges: non-finite, signed zero, subnormal, huge, unsafe integers. */
export const HOSTILE_NUMBERS: readonly number[] = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -0,
  0,
  Number.MIN_VALUE,
  -Number.MIN_VALUE,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  Number.EPSILON,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 2,
  Number.MIN_SAFE_INTEGER,
  1e21,
  1e-7,
  0.1 + 0.2,
  2.2250738585072014e-308,
  1e308,
  123456789012345680000,
];

/** Decimal texts: exponents that overflow, underflow or would take gigabytes to expand, too many digits, junk. */
export const HOSTILE_DECIMAL_TEXTS: readonly string[] = [
  '1e99999999999999999999',
  '-1e99999999999999999999',
  '1e-99999999999999999999',
  '1e9000000000000000',
  '1e-9000000000000000',
  '1e400',
  '1e-400',
  '0e999999999999999999999',
  '1e20',
  '1e19',
  '1e-18',
  '1e-19',
  '99999999999999999999.999999999999999999',
  '100000000000000000000',
  '0.0000000000000000001',
  '0.1234567890123456789',
  '12345678901234567890.12345678901234567',
  '-0',
  '+1',
  '.5',
  '5.',
  '1_000',
  '0x1F',
  '1,5',
  'NaN',
  'Infinity',
  '-Infinity',
  '',
  ' ',
  ' 12.5 ',
  '1e',
  'e1',
  '--1',
  '1.2.3',
  '١٢٣', // Arabic-Indic digits
  '１２', // full-width digits
];

/** Epoch milliseconds around and beyond the ranges the stores accept. */
export const HOSTILE_EPOCH_MS: readonly number[] = [
  -62_167_219_200_000, // 0000-01-01 (year 0)
  -62_135_596_800_000, // 0001-01-01
  -2_208_988_800_001, // just before 1900
  -2_208_988_800_000, // 1900-01-01
  -1,
  0,
  1,
  Date.UTC(2038, 0, 19, 3, 14, 8),
  7_258_118_399_999, // 2199-12-31T23:59:59.999Z
  7_258_118_400_000, // 2200-01-01
  253_402_300_799_999, // 9999-12-31T23:59:59.999Z
  253_402_300_800_000, // year 10000
  8_640_000_000_000_000, // the largest Date
  8_640_000_000_000_001,
];

/** Timestamp-ish values of every shape: invalid Dates, strings with and without zones, numbers that are not integers. */
export const HOSTILE_TIMESTAMPS: readonly unknown[] = [
  new Date(Number.NaN),
  new Date('0000-01-01T00:00:00Z'),
  new Date('+010000-01-01T00:00:00Z'),
  new Date(-1),
  '2026-11-02T10:00:00Z',
  '2026-11-02T10:00:00',
  '2026-11-02',
  '2026-13-45T99:99:99Z',
  '0000-01-01T00:00:00Z',
  '+010000-01-01T00:00:00Z',
  'yesterday',
  '1e12',
  '1700000000000',
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  -0,
  ...HOSTILE_EPOCH_MS,
];

/** Values of the wrong type for any field (what JSON or a careless caller can produce). */
export const WRONG_TYPES: readonly unknown[] = [
  null,
  undefined,
  true,
  false,
  0,
  1,
  '1',
  '',
  [],
  [1],
  ['buy'],
  {},
  { toString: 'x' },
  { valueOf: 1 },
  10n,
  () => 1,
  new Map(),
  new Set(['a']),
  /regex/,
  new Date(0),
  Buffer.from('x'),
  new Uint8Array([1]),
];
