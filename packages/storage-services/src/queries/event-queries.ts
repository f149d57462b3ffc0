// Event reads from request parameters: system events (risk decisions, feed
// problems, ...) of a range, newest first by default, by kind, minimum
// severity and source.

import { z } from 'zod';
import { EVENT_SEVERITIES } from '@ag/storage-metrics';
import type { StorageServices } from '../storage-services.js';
import { limitParameter, nameParameter, parseParameters, timeRange } from '../query-parameters.js';

const eventsRange = timeRange(86_400_000);
const eventsQuery = z
  .object({
    start: eventsRange.start,
    end: eventsRange.end,
    kind: z.string().min(1).max(200).optional(),
    minSeverity: z.enum(EVENT_SEVERITIES).optional(),
    source: nameParameter.optional(),
    limit: limitParameter(10_000).default(100),
    order: z.enum(['asc', 'desc']).default('desc'),
  })
  .strict();

export async function listEvents(services: StorageServices, input: unknown) {
  const q = parseParameters(eventsQuery, input);
  const { start, end } = eventsRange.resolve(q);
  const events = await services.events.queryEvents({
    start,
    end,
    limit: Math.min(q.limit, services.storage.config.query.max_results),
    order: q.order,
    ...(q.kind ? { kind: q.kind } : {}),
    ...(q.minSeverity ? { minSeverity: q.minSeverity } : {}),
    ...(q.source ? { source: q.source } : {}),
  });
  return { data: [...events], truncated: events.truncated, start, end };
}
