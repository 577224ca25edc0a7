/**
 * The import's reader thread (import-thread.ts): reads every file's records, validates them,
 * indexes the valid events (columns, resource pairs, stored JSON), orders each batch as the
 * store would and posts it packed (batch-thread.ts), with the problems and progress between.
 */
import { indexEvent } from '../../db/repositories/event-columns.js';
import { uniqueInOrder } from '../../db/repositories/events.repository.js';
import type { PendingEvent } from '../../db/repositories/events-native-insert.js';
import { packEvents } from '../../db/repositories/packed-events.js';
import { readEventsFromFile } from '../../intake/readers/read-events-from-file.js';
import { batchPoster } from './batch-thread.js';
import { importOutcome } from './import-record.js';
import type { ImportThreadData, ImportThreadMessage } from './import-thread.js';
import type { ImportProblem } from './ingest-files.js';

const { data, post } = batchPoster<ImportThreadData>();
const { validation, nowOffset, batchSize } = data;

let read = 0;
let rejected = 0;
let sincePost = 0;
let batch: PendingEvent[] = [];
let problems: ImportProblem[] = [];

/** Posts the problems and progress so far, and the batch when `withBatch`. */
function postProgress(bytes: number, withBatch: boolean, done = false): void {
  const message: ImportThreadMessage = {
    events: withBatch ? batch.length : 0,
    packed: withBatch ? packEvents(uniqueInOrder(batch, 'time')) : undefined,
    read,
    rejected,
    bytes,
    problems,
    done,
  };
  if (withBatch) batch = [];
  problems = [];
  sincePost = 0;
  post(message);
}

let bytesBefore = 0;
for (const file of data.files) {
  const reader = readEventsFromFile(file.path);
  for await (const r of reader) {
    read += 1;
    sincePost += 1;
    const at = { file: file.path, format: reader.format };
    const outcome = importOutcome(r, at, validation, () => Date.now() + nowOffset);
    if ('problem' in outcome) {
      rejected += 1;
      problems.push(outcome.problem);
    } else {
      batch.push({ accountId: validation.accountId, ...indexEvent(outcome.event, outcome.json) });
    }
    const full = batch.length >= batchSize;
    if (full || sincePost >= batchSize) postProgress(bytesBefore + reader.bytesRead, full);
  }
  bytesBefore += Math.max(reader.bytesRead, file.size);
  postProgress(bytesBefore, false);
}
postProgress(bytesBefore, batch.length > 0, true);
