// How commands print rows: an aligned text table (default), JSON or CSV.
// Values are flattened for tables and CSV: dates as ISO 8601, exact decimals
// as plain decimal text (never exponent notation: Prisma.Decimal's own text
// writes 0.0000001 as "1e-7"), objects (labels, payloads, fees per currency)
// as JSON with the same money rule.

import { stringify } from 'csv-stringify/sync';
import { toJson } from '@ag/storage-services';
import { Prisma } from '@ag/storage-core';

export type OutputFormat = 'table' | 'json' | 'csv';

export interface FormatOptions {
  json?: boolean;
  csv?: boolean;
}

export function outputFormat(options: FormatOptions): OutputFormat {
  if (options.json && options.csv) throw new Error('choose one of --json and --csv');
  return options.json ? 'json' : options.csv ? 'csv' : 'table';
}

export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    if (Prisma.Decimal.isDecimal(value)) return (value as Prisma.Decimal).toFixed();
    return toJson(value);
  }
  return String(value);
}

export function columnsOf(rows: ReadonlyArray<Record<string, unknown>>): string[] {
  const columns: string[] = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  return columns;
}

export function formatTable(rows: ReadonlyArray<Record<string, unknown>>, columns = columnsOf(rows)): string {
  if (rows.length === 0) return '(no rows)';
  const body = rows.map((row) => columns.map((c) => cellText(row[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...body.map((cells) => (cells[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

export function formatCsv(rows: ReadonlyArray<Record<string, unknown>>, columns = columnsOf(rows)): string {
  return stringify(
    rows.map((row) => columns.map((c) => cellText(row[c]))),
    { header: true, columns },
  );
}

/** Prints rows in the chosen format; `answer` is what --json prints (rows and paging facts). */
export function printRows(format: OutputFormat, rows: ReadonlyArray<Record<string, unknown>>, answer: unknown = rows, columns?: string[]): void {
  if (format === 'json') console.log(toJson(answer, 2));
  else if (format === 'csv') process.stdout.write(formatCsv(rows, columns));
  else console.log(formatTable(rows, columns));
}
