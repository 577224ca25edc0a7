import type { Kysely } from 'kysely';
import {
  type StoreEvents,
  type StorePacked,
  withBulkEventLoad,
} from '../../db/repositories/events-bulk-load.js';
import type { Database } from '../../db/schema.js';
import type { ValidationContext } from '../../intake/event-validation.js';
import type { InputFile } from '../../intake/readers/list-input-files.js';
import { readEventsFromFile } from '../../intake/readers/read-events-from-file.js';
import type { Clock } from '../../lib/clock.js';
import { importOutcome } from './import-record.js';
import { importedBatches } from './import-thread.js';
import { DEFAULT_BATCH_SIZE, IngestBatchWriter } from './ingest-batch-writer.js';

/** A record that was skipped, and where it was. */
export interface ImportProblem {
  file: string;
  /** 1-based line (JSON lines) or 0-based element index (JSON array), as `unit` says. */
  line: number;
  unit: 'line' | 'element';
  /** A validation code, or `Unreadable` when the record could not even be read. */
  code: string;
  message: string;
}

export interface ImportProgress {
  /** Bytes taken from the files so far (compressed for gzip), against the sum of file sizes. */
  bytes: number;
  read: number;
  imported: number;
  duplicates: number;
  rejected: number;
}

export interface ImportSummary extends ImportProgress {
  files: number;
  /** Rejections per code (`Unreadable`, `InvalidEvent`, `InvalidEventTime`, …). */
  rejectedByCode: Record<string, number>;
  seconds: number;
}

export interface ImportFilesOptions {
  db: Kysely<Database>;
  files: readonly InputFile[];
  /** Validation rules; `now` is read from the clock per record, so long imports stay honest. */
  validation: Omit<ValidationContext, 'now'>;
  clock: Clock;
  batchSize?: number;
  /** One bulk load instead of a transaction per batch (see SeedOptions.bulk). */
  bulk?: boolean;
  /**
   * Read, validate and index the records of a bulk load on a thread of their own
   * (import-thread.ts; default true). The thread reads the system clock shifted by the
   * difference `clock` had from it at the start. The events stored are the same either way.
   */
  readerThread?: boolean;
  onProblem?: (problem: ImportProblem) => void;
  /**
   * Called every few hundred records (with the reader thread: every batch, at least every
   * `batchSize` records) and after each file.
   */
  onProgress?: (progress: ImportProgress) => void;
}

const PROGRESS_EVERY = 500;

/**
 * Streams export files into the event store of one account: one record in memory at a time plus
 * one batch of validated events. Bad records are counted, reported and skipped; they never stop
 * an import. Duplicates (an earlier import, the same event twice) are counted, not stored.
 */
export async function importEventFiles(options: ImportFilesOptions): Promise<ImportSummary> {
  if (!options.bulk) return importWith(options, undefined);
  const started = performance.now();
  const { value: summary, lateDuplicates } = await withBulkEventLoad(
    options.db,
    (store, storePacked) =>
      options.readerThread === false
        ? importWith(options, store)
        : importFromThread(options, storePacked),
  );
  // The load's time includes building the indexes and the commit.
  return {
    ...summary,
    imported: summary.imported - lateDuplicates,
    duplicates: summary.duplicates + lateDuplicates,
    seconds: (performance.now() - started) / 1000,
  };
}

/** Events in a file of this many bytes, roughly: ~1 KB each, gzip ~8:1 (a bulk-load hint). */
export function estimatedEvents(files: readonly InputFile[]): number {
  let bytes = 0;
  for (const f of files) bytes += /\.gz$/i.test(f.path) ? f.size * 8 : f.size;
  return Math.round(bytes / 1024);
}

/** A bulk import whose records come read, validated, indexed and ordered from import-thread.ts. */
async function importFromThread(
  options: ImportFilesOptions,
  store: StorePacked,
): Promise<ImportSummary> {
  const started = performance.now();
  const rejectedByCode: Record<string, number> = {};
  const summary: ImportProgress = { bytes: 0, read: 0, imported: 0, duplicates: 0, rejected: 0 };
  const messages = importedBatches({
    files: options.files,
    validation: options.validation,
    nowOffset: options.clock.now() - Date.now(),
    batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
  });
  for await (const m of messages) {
    if (m.packed) {
      const inserted = m.packed.count > 0 ? store(m.packed) : 0;
      summary.imported += inserted;
      summary.duplicates += m.events - inserted;
    }
    for (const problem of m.problems) {
      rejectedByCode[problem.code] = (rejectedByCode[problem.code] ?? 0) + 1;
      options.onProblem?.(problem);
    }
    Object.assign(summary, { bytes: m.bytes, read: m.read, rejected: m.rejected });
    options.onProgress?.({ ...summary });
  }
  return {
    ...summary,
    files: options.files.length,
    rejectedByCode,
    seconds: (performance.now() - started) / 1000,
  };
}

async function importWith(
  options: ImportFilesOptions,
  store: StoreEvents | undefined,
): Promise<ImportSummary> {
  const started = performance.now();
  const writer = new IngestBatchWriter(options.db, options.batchSize ?? DEFAULT_BATCH_SIZE, store);
  const rejectedByCode: Record<string, number> = {};
  let bytesBefore = 0;
  let read = 0;
  let rejected = 0;

  const progress = (bytes: number): ImportProgress => ({
    bytes,
    read,
    imported: writer.inserted,
    duplicates: writer.duplicates,
    rejected,
  });
  const reject = (problem: ImportProblem): void => {
    rejected += 1;
    rejectedByCode[problem.code] = (rejectedByCode[problem.code] ?? 0) + 1;
    options.onProblem?.(problem);
  };

  for (const file of options.files) {
    const reader = readEventsFromFile(file.path);
    for await (const r of reader) {
      // Every record counts, readable or not, so read = imported + duplicates + rejected.
      read += 1;
      const at = { file: file.path, format: reader.format };
      const outcome = importOutcome(r, at, options.validation, () => options.clock.now());
      if ('problem' in outcome) reject(outcome.problem);
      else if (writer.add(options.validation.accountId, outcome.event, outcome.json)) {
        await writer.flush();
      }
      if (read % PROGRESS_EVERY === 0)
        options.onProgress?.(progress(bytesBefore + reader.bytesRead));
    }
    bytesBefore += Math.max(reader.bytesRead, file.size);
    options.onProgress?.(progress(bytesBefore));
  }
  await writer.flush();
  return {
    ...progress(bytesBefore),
    files: options.files.length,
    rejectedByCode,
    seconds: (performance.now() - started) / 1000,
  };
}
