// The main job's options as `pnpm start -- <options>` hands them over: pnpm
// 10 passes the `--` separator on to the script, and it must not turn the
// options after it into (refused) positional arguments.

import { describe, expect, it } from 'vitest';
import { parseBotSimArguments } from '../src/index.js';

describe('bot-sim arguments', () => {
  it('reads the options after the `--` that pnpm passes on', () => {
    const options = parseBotSimArguments(['--', '--duration', '60', '--markets', '6'], {});
    expect(options.durationSec).toBe(60);
    expect(options.markets).toBe(6);
  });

  it('reads the same options without the separator', () => {
    expect(parseBotSimArguments(['--duration', '60', '--markets', '6'], {})).toEqual(parseBotSimArguments(['--', '--duration', '60', '--markets', '6'], {}));
  });
});
