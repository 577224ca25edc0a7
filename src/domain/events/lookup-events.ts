import type { Kysely } from 'kysely';
import { type EventPosition, lookupEvents } from '../../db/repositories/event-lookup.repository.js';
import type { Database } from '../../db/schema.js';
import { errors } from '../../errors/api-error.js';
import { SECOND_MS } from '../../lib/time.js';
import {
  effectiveConditions,
  type LookupDirection,
  type RawAttribute,
  resolveTimeRange,
  type TimeRange,
} from './lookup-rules.js';
import { lookupFingerprint, pageTokenSecret, readPageToken, signPageToken } from './page-token.js';

export interface LookupEventsInput {
  attributes: readonly RawAttribute[];
  startTime: string | undefined;
  endTime: string | undefined;
  maxResults: number;
  direction: LookupDirection;
  nextToken: string | undefined;
}

export interface LookupEventsPage {
  /** The stored event objects, newest first (BACKWARD) or oldest first (FORWARD). */
  events: unknown[];
  /** Absent on the last page. */
  nextToken?: string;
  range: TimeRange;
}

/**
 * One LookupEvents page of the caller's account. Validation order: attributes, times, then
 * the token, so a malformed request is reported as such even with a stale token.
 */
export async function lookupEventsPage(
  db: Kysely<Database>,
  accountId: string,
  input: LookupEventsInput,
  now: number,
): Promise<LookupEventsPage> {
  const conditions = effectiveConditions(input.attributes);
  let range = resolveTimeRange(input.startTime, input.endTime, now);
  const fingerprint = lookupFingerprint({
    conditions,
    startTime: input.startTime,
    endTime: input.endTime,
    direction: input.direction,
  });

  let after: EventPosition | undefined;
  if (input.nextToken !== undefined) {
    const token = readPageToken(await pageTokenSecret(db, now), input.nextToken);
    // Forged, another account's, or issued for other parameters: all the same to the caller.
    if (!token || token.accountId !== accountId || token.fingerprint !== fingerprint) {
      throw errors.invalidParameter(
        'NextToken',
        'It was not issued for this account and these parameters.',
      );
    }
    range = { start: token.rangeStart, end: token.rangeEnd };
    after = { time: token.time, seq: token.seq };
  }

  const rows = await lookupEvents(db, {
    accountId,
    conditions,
    fromTime: range.start,
    // EndTime names a whole second: events stored with a fraction of it are included.
    toTime: range.end + SECOND_MS,
    direction: input.direction,
    after,
    limit: input.maxResults + 1,
  });
  const page = rows.slice(0, input.maxResults);
  const last = page[page.length - 1];
  const result: LookupEventsPage = {
    events: page.map((r) => JSON.parse(r.eventJson) as unknown),
    range,
  };
  if (rows.length > input.maxResults && last) {
    result.nextToken = signPageToken(await pageTokenSecret(db, now), {
      accountId,
      fingerprint,
      rangeStart: range.start,
      rangeEnd: range.end,
      time: last.eventTime,
      seq: last.seq,
    });
  }
  return result;
}
