import { Worker } from 'node:worker_threads';
import type { PackedEvents } from '../../db/repositories/packed-events.js';
import type { GenerateEventsOptions } from '../../intake/seed/generate-events.js';

/**
 * A bulk seed's events, generated on a thread of their own ([G] round 5, docs/benchmarks.md).
 * Generating an event, building its JSON and its columns took ~15 µs of the 80 µs a seeded
 * event cost the one thread that also inserts it and builds the indexes; on the thread, the
 * writer only binds and inserts (packed-events.ts) and the second core does the rest. The
 * thread runs the same generator and the same indexing over the same batches as the writer
 * would, so the store ends up byte for byte the same (ingest-seed.test.ts compares).
 */

/** Batches the thread may have ready before the writer takes them (memory: ~5 MB each). */
const MAX_AHEAD = 3;

export interface SeedThreadData {
  options: GenerateEventsOptions;
  batchSize: number;
  maxAhead: number;
  /** An Int32Array's buffer: batches posted and not yet taken by the writer. */
  ahead: SharedArrayBuffer;
}

export interface SeedThreadMessage {
  /** Events generated into this batch (before the batch's own duplicates are dropped). */
  events: number;
  /** The batch as the store takes it: unique, in insert order. */
  packed: PackedEvents;
  /** Events generated so far, and the first and last one's eventTime. */
  generated: number;
  firstEventTime: string | undefined;
  lastEventTime: string | undefined;
  done: boolean;
}

/**
 * The thread's code is a TypeScript module in a checkout (run through tsx, as bin/opentrail.js
 * does) and compiled JavaScript in dist/; this CommonJS stub loads whichever there is.
 */
const BOOT = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsx) (await import(workerData.tsx)).register();
  await import(workerData.entry);
})().catch((e) => { throw e; });
`;

function threadEntry(): { entry: string; tsx: string | undefined } {
  const typescript = import.meta.url.endsWith('.ts');
  const entry = new URL(`./seed-thread-worker.${typescript ? 'ts' : 'js'}`, import.meta.url).href;
  if (!typescript) return { entry, tsx: undefined };
  return { entry, tsx: import.meta.resolve('tsx/esm/api') };
}

/**
 * The seed's batches, `batchSize` generated events each, in order, from the generator thread.
 * The thread is stopped when the loop ends early (the load failed) or throws.
 */
export async function* generatedBatches(
  options: GenerateEventsOptions,
  batchSize: number,
): AsyncGenerator<SeedThreadMessage> {
  const ahead = new SharedArrayBuffer(4);
  const inFlight = new Int32Array(ahead);
  const { entry, tsx } = threadEntry();
  const data: SeedThreadData = { options, batchSize, maxAhead: MAX_AHEAD, ahead };
  const worker = new Worker(BOOT, { eval: true, workerData: { ...data, entry, tsx } });
  const queue: SeedThreadMessage[] = [];
  let failure: unknown;
  let exited = false;
  let wake: (() => void) | undefined;
  worker.on('message', (m: SeedThreadMessage) => {
    queue.push(m);
    wake?.();
  });
  worker.on('error', (e) => {
    failure ??= e;
    wake?.();
  });
  worker.on('exit', () => {
    exited = true;
    wake?.();
  });
  try {
    for (;;) {
      const m = queue.shift();
      if (m) {
        Atomics.sub(inFlight, 0, 1);
        Atomics.notify(inFlight, 0);
        yield m;
        if (m.done) return;
        continue;
      }
      if (failure) throw failure;
      if (exited) throw new Error('the seed generator thread stopped before its last batch');
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
  } finally {
    await worker.terminate();
  }
}
