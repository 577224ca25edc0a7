/**
 * The seed's generator thread (seed-thread.ts): generates the events, indexes them (their
 * columns, resource pairs and JSON), orders each batch as the store would, and posts it packed
 * (batch-thread.ts: at most a few batches ahead of the writer).
 */
import { indexEvent } from '../../db/repositories/event-columns.js';
import { uniqueInOrder } from '../../db/repositories/events.repository.js';
import type { PendingEvent } from '../../db/repositories/events-native-insert.js';
import { packEvents } from '../../db/repositories/packed-events.js';
import { generateEvents } from '../../intake/seed/generate-events.js';
import { batchPoster } from './batch-thread.js';
import type { SeedThreadData, SeedThreadMessage } from './seed-thread.js';

const { data, post } = batchPoster<SeedThreadData>();

let generated = 0;
let firstEventTime: string | undefined;
let lastEventTime: string | undefined;
let batch: PendingEvent[] = [];

function postBatch(done: boolean): void {
  const message: SeedThreadMessage = {
    events: batch.length,
    packed: packEvents(uniqueInOrder(batch, 'time')),
    generated,
    firstEventTime,
    lastEventTime,
    done,
  };
  batch = [];
  post(message);
}

for (const event of generateEvents(data.options)) {
  generated += 1;
  const time = event.eventTime as string;
  firstEventTime ??= time;
  lastEventTime = time;
  batch.push({ accountId: event.recipientAccountId as string, ...indexEvent(event) });
  if (batch.length >= data.batchSize) postBatch(false);
}
postBatch(true);
