/**
 * The seed's generator thread (seed-thread.ts): generates the events, indexes them (their
 * columns, resource pairs and JSON), orders each batch as the store would, and posts it packed.
 * It runs at most `MAX_AHEAD` batches ahead of the writer, waiting on a shared counter, so its
 * memory stays a few batches whatever the count.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { indexEvent } from '../../db/repositories/event-columns.js';
import { uniqueInOrder } from '../../db/repositories/events.repository.js';
import type { PendingEvent } from '../../db/repositories/events-native-insert.js';
import { packEvents } from '../../db/repositories/packed-events.js';
import { type GenerateEventsOptions, generateEvents } from '../../intake/seed/generate-events.js';
import type { SeedThreadData, SeedThreadMessage } from './seed-thread.js';

const { options, batchSize, maxAhead, ahead } = workerData as SeedThreadData;
const inFlight = new Int32Array(ahead);
const port = parentPort;
if (!port) throw new Error('seed-thread-worker runs only as a worker thread');

let generated = 0;
let firstEventTime: string | undefined;
let lastEventTime: string | undefined;
let batch: PendingEvent[] = [];

function post(done: boolean): void {
  for (;;) {
    const n = Atomics.load(inFlight, 0);
    if (n < maxAhead) break;
    Atomics.wait(inFlight, 0, n);
  }
  Atomics.add(inFlight, 0, 1);
  const packed = packEvents(uniqueInOrder(batch, 'time'));
  const message: SeedThreadMessage = {
    events: batch.length,
    packed,
    generated,
    firstEventTime,
    lastEventTime,
    done,
  };
  batch = [];
  (port as NonNullable<typeof port>).postMessage(message, [
    packed.json.buffer as ArrayBuffer,
    packed.jsonEnds.buffer as ArrayBuffer,
  ]);
}

for (const event of generateEvents(options as GenerateEventsOptions)) {
  generated += 1;
  const time = event.eventTime as string;
  firstEventTime ??= time;
  lastEventTime = time;
  batch.push({ accountId: event.recipientAccountId as string, ...indexEvent(event) });
  if (batch.length >= batchSize) post(false);
}
post(true);
