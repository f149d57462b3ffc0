// requireCapability(): inside a test, skips it when the engine under test
// lacks what the test is about (compression, continuous aggregates, the job
// API, hypertables), reading storage.capabilities, never the engine's name.
// The reason goes into the test's meta, where the run's summary (and its
// list of expected skips) reads it.

import type { TestContext } from 'vitest';
import type { Capabilities, EngineTraits } from '@ag/storage-core';

export type CapabilityName = 'timescale' | 'compression' | 'continuousAggregates' | 'jobs' | 'backgroundWorkers';

/** Whether the capabilities include the named one (timescale: the extension is installed). */
export function hasCapability(capabilities: Capabilities, name: CapabilityName): boolean {
  return name === 'timescale' ? capabilities.timescale !== null : capabilities[name];
}

export function requireCapability(context: TestContext, capabilities: Capabilities, name: CapabilityName): void {
  if (hasCapability(capabilities, name)) return;
  const reason = `needs storage.capabilities.${name}`;
  (context.task.meta as Record<string, unknown>).skipReason = reason;
  context.skip(reason);
}

/** The opposite: a test of the degraded path, skipped where the capability exists. */
export function requireNoCapability(context: TestContext, capabilities: Capabilities, name: CapabilityName): void {
  if (!hasCapability(capabilities, name)) return;
  const reason = `tests the path without storage.capabilities.${name}`;
  (context.task.meta as Record<string, unknown>).skipReason = reason;
  context.skip(reason);
}

/** Inside a test: skips it when the engine lacks a trait (one connection, advisory locks, several processes). */
export function requireTrait(context: TestContext, traits: EngineTraits, name: keyof EngineTraits, wanted = true): void {
  if (traits[name] === wanted) return;
  const reason = wanted ? `needs storage.engine.traits.${name}` : `tests the path without storage.engine.traits.${name}`;
  (context.task.meta as Record<string, unknown>).skipReason = reason;
  context.skip(reason);
}
