import type { ValidationContext } from '../../intake/event-validation.js';
import type { InputFile } from '../../intake/readers/list-input-files.js';
import { type BatchMessage, threadBatches } from './batch-thread.js';
import type { ImportProblem } from './ingest-files.js';

/**
 * A bulk import's records read, validated and indexed on a thread of their own ([G] round 7,
 * docs/benchmarks.md): reading and parsing the lines, validateEvent (a JSON serialisation for
 * the size) and indexEvent (another, the stored JSON) took ~40 % of the one thread that also
 * inserts the events and builds the indexes. The thread runs the same reader, rules and
 * indexing over the same batches as importEventFiles in-process, so the store ends up the same.
 */

export interface ImportThreadData {
  files: readonly InputFile[];
  validation: Omit<ValidationContext, 'now'>;
  /**
   * The import's clock minus the system clock when it started: the thread reads
   * `Date.now() + nowOffset` per record (a Clock object cannot cross the boundary).
   */
  nowOffset: number;
  batchSize: number;
}

export interface ImportThreadMessage extends BatchMessage {
  /** Valid events in `packed` before the batch's own duplicates were dropped. */
  events: number;
  /** Records read and rejected so far; bytes taken from the files so far. */
  read: number;
  rejected: number;
  bytes: number;
  /** The records rejected since the previous message, in order. */
  problems: ImportProblem[];
}

/**
 * The import's messages in order: a batch every `batchSize` valid events (and the rest with the
 * last message), progress and problems at least every `batchSize` records and after each file.
 */
export function importedBatches(data: ImportThreadData): AsyncGenerator<ImportThreadMessage> {
  return threadBatches<ImportThreadMessage>('import-thread-worker', data);
}
