// COPY text-format encoding shared by both engines.

/** Joins COPY data given as one string or as chunks. */
export function toCopyText(data: string | Iterable<string>): string {
  return typeof data === 'string' ? data : Array.from(data).join('');
}

/**
 * Escapes one value for COPY's text format: backslash, tab, newline and
 * carriage return are escaped; null becomes \N.
 */
export function copyTextValue(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}
