import type { Kysely } from 'kysely';
import { type AccountEvent, insertAccountEvents } from '../../db/repositories/events.repository.js';
import type { Database } from '../../db/schema.js';
import {
  type ValidationContext,
  type ValidationErrorCode,
  validateEvent,
} from '../../intake/event-validation.js';

/** Most events one ingest request may carry (decisions §3: more → the whole request is refused). */
export const MAX_EVENTS_PER_REQUEST = 10_000;

/**
 * One record of an ingest batch: a parsed JSON value, or why its NDJSON line could not be parsed
 * (that line alone is rejected; the rest of the batch still counts).
 */
export type IngestRecord = { value: unknown } | { unreadable: string };

export interface IngestRejection {
  /** 0-based position of the event in the batch. */
  index: number;
  /** The eventId as sent, '' when there was none (a rejected event gets no derived id). */
  eventId: string;
  code: ValidationErrorCode;
  message: string;
}

export interface IngestOutcome {
  /** Newly stored events. */
  accepted: number;
  /** Valid events whose (account, eventId) was already stored or repeated in the batch. */
  duplicates: number;
  rejected: IngestRejection[];
}

/**
 * Validates every record of a batch for the caller's account and stores the valid ones in one
 * transaction (partial acceptance, decisions §3). Retrying a batch is harmless: the same events
 * get the same ids (sent or derived) and come back as duplicates.
 */
export async function ingestEvents(
  db: Kysely<Database>,
  ctx: ValidationContext,
  records: readonly IngestRecord[],
): Promise<IngestOutcome> {
  const valid: AccountEvent[] = [];
  const rejected: IngestRejection[] = [];
  records.forEach((record, index) => {
    if ('unreadable' in record) {
      rejected.push({ index, eventId: '', code: 'InvalidEvent', message: record.unreadable });
      return;
    }
    const result = validateEvent(record.value, ctx);
    if (result.ok) valid.push({ accountId: ctx.accountId, event: result.event, json: result.json });
    else {
      const { code, message } = result;
      rejected.push({ index, eventId: sentEventId(record.value), code, message });
    }
  });
  // Ids chosen by clients may overlap between concurrent calls: store in time order (no deadlock).
  const stored = await insertAccountEvents(db, valid, 'time');
  return { accepted: stored.inserted, duplicates: stored.duplicates, rejected };
}

function sentEventId(value: unknown): string {
  if (typeof value !== 'object' || value === null) return '';
  const id = (value as { eventId?: unknown }).eventId;
  return typeof id === 'string' ? id.slice(0, 128) : '';
}
