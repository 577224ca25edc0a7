import { type MessagePort, parentPort, Worker, workerData } from 'node:worker_threads';
import type { PackedEvents } from '../../db/repositories/packed-events.js';

/**
 * A bulk load's events made ready on a thread of their own ([G] rounds 5 and 7,
 * docs/benchmarks.md): the seed's generator (seed-thread-worker.ts) and the import's reader
 * (import-thread-worker.ts) build, validate and index the events and post each batch packed
 * (packed-events.ts), so the one thread that also inserts them and builds the indexes only
 * binds and inserts. This module is both ends: `threadBatches` on the writer's side,
 * `batchPoster` in the thread.
 */

/** Batches a thread may have ready before the writer takes them (memory: ~5 MB each). */
export const MAX_AHEAD = 3;

export interface BatchMessage {
  /** A batch as the store takes it (unique, in insert order); none in a progress-only message. */
  packed?: PackedEvents | undefined;
  /** The thread's last message. */
  done: boolean;
}

interface BatchThreadData {
  maxAhead: number;
  /** An Int32Array's buffer: batches posted and not yet taken by the writer. */
  ahead: SharedArrayBuffer;
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

function threadEntry(module: string): { entry: string; tsx: string | undefined } {
  const typescript = import.meta.url.endsWith('.ts');
  const entry = new URL(`./${module}.${typescript ? 'ts' : 'js'}`, import.meta.url).href;
  if (!typescript) return { entry, tsx: undefined };
  return { entry, tsx: import.meta.resolve('tsx/esm/api') };
}

/**
 * The messages of `module` (a worker module beside this one, without extension) in order,
 * `data` as its workerData. The thread is stopped when the loop ends early (the load failed)
 * or throws; a thread that fails or exits before its `done` message fails the loop.
 */
export async function* threadBatches<M extends BatchMessage>(
  module: string,
  data: object,
): AsyncGenerator<M> {
  const ahead = new SharedArrayBuffer(4);
  const inFlight = new Int32Array(ahead);
  const { entry, tsx } = threadEntry(module);
  const own: BatchThreadData = { maxAhead: MAX_AHEAD, ahead };
  const worker = new Worker(BOOT, { eval: true, workerData: { ...data, ...own, entry, tsx } });
  const queue: M[] = [];
  let failure: unknown;
  let exited = false;
  let wake: (() => void) | undefined;
  worker.on('message', (m: M) => {
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
        if (m.packed) {
          Atomics.sub(inFlight, 0, 1);
          Atomics.notify(inFlight, 0);
        }
        yield m;
        if (m.done) return;
        continue;
      }
      if (failure) throw failure;
      if (exited) throw new Error(`the ${module} thread stopped before its last batch`);
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
  } finally {
    await worker.terminate();
  }
}

/**
 * The thread's side: its workerData, and `post`, which waits while `MAX_AHEAD` batches are
 * not yet taken (so the thread's memory stays a few batches whatever the count) and transfers
 * a batch's buffers instead of copying them. Messages without a batch never wait.
 */
export function batchPoster<D>(): { data: D; post(message: BatchMessage): void } {
  const port: MessagePort | null = parentPort;
  if (!port) throw new Error('a batch thread runs only as a worker thread');
  const data = workerData as D & BatchThreadData;
  const inFlight = new Int32Array(data.ahead);
  return {
    data,
    post(message) {
      const { packed } = message;
      if (!packed) {
        port.postMessage(message);
        return;
      }
      for (;;) {
        const n = Atomics.load(inFlight, 0);
        if (n < data.maxAhead) break;
        Atomics.wait(inFlight, 0, n);
      }
      Atomics.add(inFlight, 0, 1);
      port.postMessage(message, [
        packed.codes.buffer as ArrayBuffer,
        packed.json.buffer as ArrayBuffer,
        packed.jsonEnds.buffer as ArrayBuffer,
      ]);
    },
  };
}
