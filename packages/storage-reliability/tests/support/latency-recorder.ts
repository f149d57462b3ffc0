// Latencies of the queries the load test runs next to the fleet, per kind,
// with percentiles for the summary.

export class LatencyRecorder {
  private readonly samples = new Map<string, number[]>();
  errors: string[] = [];

  async time<T>(kind: string, run: () => Promise<T>): Promise<T | undefined> {
    const started = performance.now();
    try {
      return await run();
    } catch (error) {
      this.errors.push(`${kind}: ${(error as Error).message}`);
      return undefined;
    } finally {
      const list = this.samples.get(kind) ?? [];
      list.push(performance.now() - started);
      this.samples.set(kind, list);
    }
  }

  /** { kind: { count, p50, p99, max } } in milliseconds, plus 'all'. */
  summary(): Record<string, { count: number; p50: number; p99: number; max: number }> {
    const out: Record<string, { count: number; p50: number; p99: number; max: number }> = {};
    const all: number[] = [];
    for (const [kind, list] of this.samples) {
      out[kind] = percentiles(list);
      all.push(...list);
    }
    out.all = percentiles(all);
    return out;
  }
}

function percentiles(list: readonly number[]): { count: number; p50: number; p99: number; max: number } {
  const sorted = [...list].sort((a, b) => a - b);
  const at = (q: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) * 10) / 10;
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: at(1) };
}
