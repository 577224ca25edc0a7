import type { Destination } from '../../sinks/sink.js';
import type { StoredEvent } from '../event-source.js';
import { coarseBucketBatching, type FileCap } from './coarse-bucket.batching.js';
import { sequenceBatching } from './sequence.batching.js';
import { timeBucketBatching } from './time-bucket.batching.js';

/** The events of one planned batch, in sequence order. */
export interface EventGroup {
  events: StoredEvent[];
  /**
   * The batch's UTC time bucket (OSS layout: the object name's timestamp); for batches cut by
   * sequence alone (SLS) the bucket of the first event, recorded for operators only.
   */
  bucketStart: number;
  /** Length of that bucket: 5 minutes, or an hour or a day for a history job's OSS batches. */
  bucketMs: number;
}

/**
 * How one destination kind groups a chunk of events into batches (decisions §6): OSS objects
 * by UTC bucket of eventTime (5 minutes for live delivery, as ActionTrail; a day, an hour or 5
 * minutes up to a size cap for a history job), SLS requests by count and size in sequence
 * order. The engine persists each batch's sequence range, bucket and span before sending, and
 * re-reads exactly its events after a crash with `rereadRange`.
 */
export interface Batching {
  group(events: readonly StoredEvent[]): EventGroup[];
  /** The eventTime range that, with the batch's sequence range, selects its events again. */
  rereadRange(bucketStart: number, bucketMs: number): { from: number; to: number };
}

export function batchingFor(
  destination: Destination,
  kind: 'history' | 'live',
  historyCap?: FileCap,
): Batching {
  if (destination.kind === 'sls') return sequenceBatching();
  return kind === 'live' ? timeBucketBatching() : coarseBucketBatching(historyCap);
}
