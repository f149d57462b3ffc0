// EventStore: system events, risk decisions and audit entries in the events
// hypertable. Writes are batched (one statement for many events); reads
// filter by kind, minimum severity, source and time range.

import { parseInput, resultLimitSchema, StorageError, ValidationError, type Storage } from '@ag/storage-core';
import { z } from 'zod';
import { MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS } from '../point-validation.js';
import { EVENT_SEVERITIES, normalizeEvent, type EventInput, type EventSeverity, type NormalizedEvent } from './event-validation.js';

export interface StoredEvent {
  id: number;
  time: Date;
  kind: string;
  severity: EventSeverity;
  source: string;
  message: string;
  payload: Record<string, unknown>;
}

/** Time ranges are [start, end). */
export interface EventQuery {
  start: Date | number;
  end: Date | number;
  kind?: string | string[];
  /** Events at this severity or above (debug < info < warning < error < critical). */
  minSeverity?: EventSeverity;
  source?: string;
  /** At most query.max_results (the default). */
  limit?: number;
  /** By time; default 'asc'. */
  order?: 'asc' | 'desc';
}

export type EventQueryResult = StoredEvent[] & { truncated: boolean };

/** Most events one logEvents call takes. */
export const MAX_EVENTS_PER_BATCH = 100_000;

const INSERT_EVENTS = `
INSERT INTO events (time, kind, severity, source, message, payload)
SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[]::event_severity[], $4::text[], $5::text[], $6::jsonb[])
RETURNING id, time, kind, severity, source, message, payload`;

const SELECT_EVENTS = `
SELECT id, time, kind, severity, source, message, payload
  FROM events
 WHERE time >= $1 AND time < $2
   AND ($3::text[] IS NULL OR kind = ANY($3::text[]))
   AND ($4::event_severity IS NULL OR severity >= $4::event_severity)
   AND ($5::text IS NULL OR source = $5::text)`;

export class EventStore {
  private querySchema: ReturnType<typeof eventQuerySchema> | undefined;

  constructor(private readonly storage: Storage) {}

  /** Stores one event and returns it as stored (with its id). */
  async logEvent(event: EventInput): Promise<StoredEvent> {
    const [stored] = await this.insert([normalizeEvent(event, 'event')]);
    return stored as StoredEvent;
  }

  /** Stores many events in one statement, all or nothing. */
  async logEvents(events: readonly EventInput[]): Promise<StoredEvent[]> {
    if (!Array.isArray(events)) throw new ValidationError('events', events, 'must be an array of events');
    if (events.length > MAX_EVENTS_PER_BATCH) {
      throw new ValidationError('events', events, `at most ${MAX_EVENTS_PER_BATCH} events per call`);
    }
    if (events.length === 0) return [];
    return this.insert(events.map((e, i) => normalizeEvent(e, `events[${i}]`)));
  }

  async queryEvents(query: EventQuery): Promise<EventQueryResult> {
    const maxResults = this.storage.config.query.max_results;
    this.querySchema ??= eventQuerySchema(maxResults);
    const q = parseInput(this.querySchema, query, 'query');
    const limit = q.limit ?? maxResults;
    const sql = `${SELECT_EVENTS}\n ORDER BY time ${q.order === 'asc' ? 'ASC' : 'DESC'}, id ${q.order === 'asc' ? 'ASC' : 'DESC'}\n LIMIT $6`;
    const rows = await this.storage.readQuery<StoredEvent>(sql, [
      new Date(q.start),
      new Date(q.end),
      q.kind ?? null,
      q.minSeverity ?? null,
      q.source ?? null,
      limit + 1,
    ]);
    const truncated = rows.length > limit;
    if (truncated) rows.length = limit;
    return Object.assign(rows.map(toStoredEvent), { truncated });
  }

  private async insert(events: NormalizedEvent[]): Promise<StoredEvent[]> {
    const rows = await this.storage.query<StoredEvent>(INSERT_EVENTS, [
      events.map((e) => e.time),
      events.map((e) => e.kind),
      events.map((e) => e.severity),
      events.map((e) => e.source),
      events.map((e) => e.message),
      events.map((e) => e.payloadJson),
    ]);
    if (rows.length !== events.length) throw new StorageError(`stored ${rows.length} of ${events.length} events`);
    return rows.map(toStoredEvent);
  }
}

function eventQuerySchema(maxResults: number) {
  const time = z
    .union([z.date(), z.number().int()])
    .transform((t) => (t instanceof Date ? t.getTime() : t))
    .refine((ms) => ms >= MIN_TIMESTAMP_MS && ms <= MAX_TIMESTAMP_MS + 1, 'must be between 1970-01-01 and 9999-12-31 (UTC)');
  return z
    .object({
      start: time,
      end: time,
      kind: z.union([z.string().min(1).transform((k) => [k]), z.array(z.string().min(1)).min(1)]).optional(),
      minSeverity: z.enum(EVENT_SEVERITIES).optional(),
      source: z.string().min(1).optional(),
      limit: resultLimitSchema(maxResults),
      order: z.enum(['asc', 'desc']).default('asc'),
    })
    .strict()
    .refine((q) => q.start < q.end, { message: 'must be after start', path: ['end'] });
}

function toStoredEvent(row: StoredEvent): StoredEvent {
  return { ...row, id: Number(row.id) };
}
