import type { PackedEvents } from '../../db/repositories/packed-events.js';
import type { GenerateEventsOptions } from '../../intake/seed/generate-events.js';
import { type BatchMessage, threadBatches } from './batch-thread.js';

/**
 * A bulk seed's events, generated on a thread of their own ([G] round 5, docs/benchmarks.md).
 * Generating an event, building its JSON and its columns took ~15 µs of the 80 µs a seeded
 * event cost the one thread that also inserts it and builds the indexes; on the thread, the
 * writer only binds and inserts (packed-events.ts) and the second core does the rest. The
 * thread runs the same generator and the same indexing over the same batches as the writer
 * would, so the store ends up byte for byte the same (ingest-seed.test.ts compares).
 */

export interface SeedThreadData {
  options: GenerateEventsOptions;
  batchSize: number;
}

export interface SeedThreadMessage extends BatchMessage {
  /** Events generated into this batch (before the batch's own duplicates are dropped). */
  events: number;
  /** The batch as the store takes it: unique, in insert order. */
  packed: PackedEvents;
  /** Events generated so far, and the first and last one's eventTime. */
  generated: number;
  firstEventTime: string | undefined;
  lastEventTime: string | undefined;
}

/**
 * The seed's batches, `batchSize` generated events each, in order, from the generator thread.
 * The thread is stopped when the loop ends early (the load failed) or throws.
 */
export function generatedBatches(
  options: GenerateEventsOptions,
  batchSize: number,
): AsyncGenerator<SeedThreadMessage> {
  const data: SeedThreadData = { options, batchSize };
  return threadBatches<SeedThreadMessage>('seed-thread-worker', data);
}
