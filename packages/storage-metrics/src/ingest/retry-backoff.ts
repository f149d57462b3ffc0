// Delays between retries of a failed flush: exponential, capped, with full
// jitter (a uniformly random delay up to the exponential bound), so that many
// writers recovering from one outage do not retry in lockstep.

export interface BackoffPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
}

/** Delay before retry number `attempt` (0 for the first retry). */
export function retryDelayMs(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const bound = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(attempt, 52));
  return Math.floor(random() * bound);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
