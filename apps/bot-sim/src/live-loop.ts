// The live phase: every tick the simulation advances to the wall clock and
// its output is written (metrics through the buffered pipeline, the rest
// through the stores). Ticks never overlap; stop() lets the tick in flight
// finish. A tick that fails is logged and the loop goes on.

import type { StorageServices } from '@ag/storage-services';
import { addCounts, emptyCounts, writeSimulationOutput, type TradingSimulation, type WriteOutputOptions, type WrittenCounts } from '@ag/trading-simulation';

export interface LiveLoopOptions {
  tickMs: number;
  /** How each tick's output is written (e.g. candles built from the trades). */
  write?: WriteOutputOptions;
  onError: (error: unknown) => void;
}

export class LiveLoop {
  readonly written: WrittenCounts = emptyCounts();
  private stopping = false;
  private wake: (() => void) | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly services: StorageServices,
    private readonly simulation: TradingSimulation,
    private readonly options: LiveLoopOptions,
  ) {}

  start(): this {
    this.running ??= this.loop();
    return this;
  }

  /** Stops after the tick in flight. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      const started = Date.now();
      try {
        addCounts(this.written, await writeSimulationOutput(this.services, this.simulation.advanceTo(started), 'buffered', this.options.write));
      } catch (error) {
        this.options.onError(error);
      }
      const wait = Math.max(0, this.options.tickMs - (Date.now() - started));
      if (!this.stopping) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  }
}
