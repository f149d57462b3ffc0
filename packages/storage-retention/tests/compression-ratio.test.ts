// The one compression ratio: bytes before / bytes after (higher is better),
// and the share saved; nothing compressed has neither.

import { describe, expect, it } from 'vitest';
import { compressionFigures, formatCompression } from '../src/index.js';

describe('compressionFigures', () => {
  it('is before / after, with the share of bytes saved', () => {
    expect(compressionFigures(1000, 100)).toEqual({ ratio: 10, savedPercent: 90 });
    expect(compressionFigures(300, 200)).toEqual({ ratio: 1.5, savedPercent: 33.33 });
  });

  it('has no figures when nothing is compressed', () => {
    expect(compressionFigures(0, 0)).toEqual({ ratio: null, savedPercent: null });
  });

  it('is displayed as it is, never inverted', () => {
    expect(formatCompression(compressionFigures(9100, 1000))).toBe('9.1x (89.0% saved)');
    expect(formatCompression(compressionFigures(0, 0), 'nothing compressed')).toBe('nothing compressed');
  });
});
