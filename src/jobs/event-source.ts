import type { DataEventSelectorSet } from '../domain/data-event-selectors/selector-match.js';

/**
 * What the delivery engine needs from the event store: the events of one scope in sequence
 * order, in bounded chunks, and exactly the events of one planned batch again after a crash.
 */
export interface ScopeFilter {
  accountId: string;
  /** acsRegion of the events. */
  region: string;
  eventRW: 'All' | 'Read' | 'Write';
  /** The job window's start: events with an earlier eventTime are not delivered. */
  fromTime: number;
  /** A chosen window's end ([C2]): events with a later eventTime are not delivered. */
  toTime?: number | undefined;
  /** The job's cut-off (decisions §5): no event with a higher sequence is delivered. */
  maxSeq: number;
  /**
   * The trail's data event selectors (undefined: none): an event with `eventCategory: Data`
   * is in scope only when one matches; management events are not affected.
   */
  dataEvents?: DataEventSelectorSet | undefined;
}

export interface StoredEvent {
  seq: number;
  eventTime: number;
  /** The event as stored: one complete JSON object. */
  readonly json: string;
  /** Its UTF-16 length (json.length) and UTF-8 bytes, when known without the text (packed). */
  readonly chars?: number;
  readonly utf8Bytes?: number;
}

export interface EventSource {
  /** The safe horizon (decisions §3): every sequence at or below it is committed. */
  horizon(): Promise<number>;
  /** Up to `limit` events of the scope with sequence > `afterSeq`, in sequence order. */
  scan(filter: ScopeFilter, afterSeq: number, limit: number): Promise<StoredEvent[]>;
  /** The events of the scope with firstSeq ≤ sequence ≤ lastSeq and eventTime in [from, to). */
  batch(
    filter: ScopeFilter,
    range: { firstSeq: number; lastSeq: number; from: number; to: number },
  ): Promise<StoredEvent[]>;
}

/** Five-minute UTC buckets of eventTime (decisions §6). */
export const BUCKET_MS = 5 * 60 * 1000;

export function bucketOf(eventTime: number): number {
  return Math.floor(eventTime / BUCKET_MS) * BUCKET_MS;
}
