// How long the bounded tests run: short by default (CI), longer with
// RELIABILITY_SCALE (a multiplier, e.g. RELIABILITY_SCALE=10) or, for the
// fleet test, FLEET_DURATION_SEC.

export function scaled(baseMs: number): number {
  const scale = Number(process.env.RELIABILITY_SCALE ?? '1');
  return Math.round(baseMs * (Number.isFinite(scale) && scale > 0 ? scale : 1));
}
