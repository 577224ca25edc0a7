import { Worker } from 'node:worker_threads';
import { SLS_LINE_PARTS, type SlsBody, type SlsBodyTask, slsBodyInProcess } from './sls-layout.js';

/**
 * SLS-layout bodies built on a thread of their own ([G] round 4, docs/benchmarks.md). On a dense
 * history job the NDJSON body (JSON escaping of every event) and its MD5 were about half of the
 * main thread's time, which also scans the store, plans and acknowledges: the job ran at one
 * core's pace on a two-core machine. The thread writes the same lines as `slsNdjson`, so bytes
 * and names are those the main thread would produce. Should the thread fail to start or die,
 * bodies are built in-process again: the thread is an accelerator, never a reason for a
 * delivery to fail.
 */

/**
 * The thread's heap stays small: it holds a copy of one batch's events (≤ 3 MB raw, the SLS
 * batching cap) and that batch's escaped lines at a time; its garbage never reaches the main heap.
 */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 };

/**
 * The thread's code: plain CommonJS (no loader), so it starts in a few ms and ~10 MB from
 * src/ and dist/ alike. Its loop is `slsNdjson`'s, line for line (the same line text comes in
 * through workerData); body-threads.test.ts checks both give the same bytes.
 */
const CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { lineStart, eventKey, lineEnd } = workerData;
// One scratch buffer, kept and grown: a fresh one per batch was garbage outside the heap limit.
let out = Buffer.allocUnsafeSlow(4 * 1024 * 1024);
function ndjson(events, timesMs) {
  let size = 0;
  for (const e of events) size += e.length;
  const guess = size + (size >> 3) + events.length * (lineStart.length + 24);
  if (guess > out.length) out = Buffer.allocUnsafeSlow(guess);
  let at = 0;
  for (let i = 0; i < events.length; i++) {
    const quoted = JSON.stringify(events[i]);
    const need = quoted.length * 3 + lineStart.length + 32;
    if (at + need > out.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(out.length * 2, at + need));
      out.copy(grown, 0, 0, at);
      out = grown;
    }
    at += out.write(lineStart, at, 'latin1');
    at += out.write(String(Math.floor(timesMs[i] / 1000)), at, 'latin1');
    at += out.write(eventKey, at, 'latin1');
    at += out.write(quoted, at, 'utf8');
    at += out.write(lineEnd, at, 'latin1');
  }
  const body = new Uint8Array(at);
  body.set(out.subarray(0, at));
  return body;
}
parentPort.on('message', (t) => {
  try {
    const body = ndjson(t.events, t.timesMs);
    const md5 = createHash('md5').update(body).digest('hex');
    parentPort.postMessage({ id: t.id, body: body.buffer, md5 }, [body.buffer]);
  } catch (e) {
    parentPort.postMessage({ id: t.id, error: String(e && e.message) });
  }
});
`;

interface BodyTask extends SlsBodyTask {
  id: number;
}

interface BodyResult {
  id: number;
  body?: ArrayBuffer;
  md5?: string;
  error?: string;
}

class BodyThread {
  private worker: Worker | undefined;
  private failed = false;
  private nextId = 0;
  private readonly pending = new Map<
    number,
    { task: SlsBodyTask; resolve: (b: SlsBody) => void; reject: (e: unknown) => void }
  >();

  private start(): Worker | undefined {
    if (this.worker || this.failed) return this.worker;
    try {
      const worker = new Worker(CODE, {
        eval: true,
        workerData: SLS_LINE_PARTS,
        resourceLimits: RESOURCE_LIMITS,
      });
      worker.unref();
      worker.on('message', (r: BodyResult) => this.settle(r));
      worker.on('error', () => this.giveUp());
      worker.on('exit', () => this.giveUp());
      this.worker = worker;
    } catch {
      this.failed = true;
    }
    return this.worker;
  }

  /** The thread is gone: what it had not answered is built here, and so is everything after. */
  private giveUp(): void {
    this.failed = true;
    this.worker = undefined;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const p of waiting) {
      try {
        p.resolve(slsBodyInProcess(p.task));
      } catch (e) {
        p.reject(e);
      }
    }
  }

  private settle(r: BodyResult): void {
    const p = this.pending.get(r.id);
    if (!p) return;
    this.pending.delete(r.id);
    if (this.pending.size === 0) this.worker?.unref();
    if (r.body && r.md5 !== undefined) p.resolve({ body: Buffer.from(r.body), md5: r.md5 });
    else p.reject(new Error(r.error ?? 'body thread answered nothing'));
  }

  build(task: SlsBodyTask): Promise<SlsBody> {
    // Without the store's times a line's time comes from parsing the event: done here.
    const timed = task.timesMs !== undefined && task.timesMs.length === task.events.length;
    const worker = timed ? this.start() : undefined;
    if (!worker) return Promise.resolve().then(() => slsBodyInProcess(task));
    return new Promise<SlsBody>((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { task, resolve, reject });
      // Referenced while it owes an answer: the process waits for it.
      worker.ref();
      worker.postMessage({ id, ...task } satisfies BodyTask);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.failed = true;
    this.worker = undefined;
    await worker?.terminate();
  }
}

let shared: BodyThread | undefined;

/** The NDJSON body of an SLS-layout batch and its hex MD5, built on the body thread. */
export function buildSlsBody(task: SlsBodyTask): Promise<SlsBody> {
  shared ??= new BodyThread();
  return shared.build(task);
}

/** Stops the body thread (tests; the process's exit ends it otherwise). */
export async function closeBodyThread(): Promise<void> {
  await shared?.close();
  shared = undefined;
}
