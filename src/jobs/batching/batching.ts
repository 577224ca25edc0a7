import type { Destination } from '../../sinks/sink.js';
import type { StoredEvent } from '../event-source.js';
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
}

/**
 * How one destination kind groups a chunk of events into batches (decisions §6): OSS objects
 * by 5-minute bucket of eventTime, SLS requests by count and size in sequence order. The
 * engine persists each batch's sequence range and bucket before sending, and re-reads exactly
 * its events after a crash with `rereadRange`.
 */
export interface Batching {
  group(events: readonly StoredEvent[]): EventGroup[];
  /** The eventTime range that, with the batch's sequence range, selects its events again. */
  rereadRange(bucketStart: number): { from: number; to: number };
}

export function batchingFor(destination: Destination): Batching {
  return destination.kind === 'sls' ? sequenceBatching() : timeBucketBatching();
}
