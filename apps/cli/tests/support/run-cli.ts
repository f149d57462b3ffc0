// Runs the ag-storage program in process (main(args)) and captures what it
// prints; `onOutput` sees each line as it is printed (for long-running
// commands such as serve).

import { vi } from 'vitest';
import { main } from '../../src/program.js';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export async function runCli(args: string[], onOutput?: (line: string) => void): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const push = (target: string[]) => (text: string) => {
    target.push(text);
    onOutput?.(text);
  };
  const toOut = push(out);
  const toErr = push(err);
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void toOut(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void toErr(a.join(' ')));
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    toOut(String(chunk));
    return true;
  });
  const writeErr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    toErr(String(chunk));
    return true;
  });
  process.exitCode = undefined;
  try {
    const code = await main(args);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    process.exitCode = undefined;
    log.mockRestore();
    error.mockRestore();
    write.mockRestore();
    writeErr.mockRestore();
  }
}
