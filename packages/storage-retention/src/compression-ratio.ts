// The one definition of the compression ratio, used by the compression
// status, the storage overview (/api/stats, the dashboard, `ag-storage
// stats`) and the bot's run summary: bytes before compression divided by
// bytes after (9.1 means nine times smaller; higher is better), and the
// share of the bytes saved. Shown as it is, never inverted.

export interface CompressionFigures {
  /** before / after; null when nothing is compressed. */
  ratio: number | null;
  /** 100 * (1 - after / before), two decimals; null when nothing is compressed. */
  savedPercent: number | null;
}

/** The ratio and the saving of `before` bytes compressed into `after`. */
export function compressionFigures(before: number, after: number): CompressionFigures {
  if (!(before > 0) || !(after > 0)) return { ratio: null, savedPercent: null };
  return { ratio: before / after, savedPercent: Math.round((1 - after / before) * 10_000) / 100 };
}

/** "9.1x (89.0% saved)", or `none` when nothing is compressed. */
export function formatCompression(figures: CompressionFigures, none = 'n/a'): string {
  return figures.ratio === null ? none : `${figures.ratio.toFixed(1)}x (${(figures.savedPercent ?? 0).toFixed(1)}% saved)`;
}
