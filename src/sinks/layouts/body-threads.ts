import { Worker } from 'node:worker_threads';
import {
  type PackedBatch,
  packBatch,
  packedRangeBatch,
  releaseShared,
  unpackBatch,
} from './packed-batch.js';
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
 * The thread's heap stays small: a batch arrives as one buffer of UTF-8 bytes (outside the heap)
 * and its escaped lines go into one kept scratch buffer; its garbage never reaches the main heap.
 */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 };

/**
 * The thread's code: plain CommonJS (no loader), so it starts in a few ms and ~10 MB from
 * src/ and dist/ alike. It writes `slsNdjson`'s lines from the events' UTF-8 bytes ([G] round 5):
 * JSON.stringify's escapes done byte by byte (`"` and `\` get a backslash, the control
 * characters below 0x20 their short or \u00xx form, everything else, UTF-8 sequences included,
 * is copied), which for well-formed text is exactly JSON.stringify followed by UTF-8 encoding.
 * Receiving strings cost a structured clone of every event on both threads, JSON.stringify made
 * a second copy of each, and the strings lived on the main heap until the answer came: the
 * thread was the dense SLS-layout job's bottleneck (8.8 µs per event). body-threads.test.ts
 * checks both give the same bytes for every character class.
 */
const CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const lineStart = Buffer.from(workerData.lineStart, 'latin1');
const eventKey = Buffer.from(workerData.eventKey, 'latin1');
const lineEnd = Buffer.from(workerData.lineEnd, 'latin1');
// Per byte: 0 copied, 1 a backslash before it, 2 a short escape, 3 the \\u00xx form.
const KIND = new Uint8Array(256);
const SHORT = new Uint8Array(32);
const HEX = Buffer.from('0123456789abcdef', 'latin1');
for (let c = 0; c < 32; c++) KIND[c] = 3;
for (const [c, e] of [[8, 98], [9, 116], [10, 110], [12, 102], [13, 114]]) { KIND[c] = 2; SHORT[c] = e; }
KIND[0x22] = 1;
KIND[0x5c] = 1;
// One scratch buffer, kept and grown: a fresh one per batch was garbage outside the heap limit.
let out = new Uint8Array(4 * 1024 * 1024);
function room(at, need) {
  if (at + need <= out.length) return;
  const grown = new Uint8Array(Math.max(out.length * 2, at + need));
  grown.set(out.subarray(0, at));
  out = grown;
}
function escapeInto(src, from, to, o, at) {
  for (let j = from; j < to; j++) {
    const b = src[j];
    const kind = KIND[b];
    if (kind === 0) {
      o[at++] = b;
    } else if (kind === 1) {
      o[at++] = 0x5c;
      o[at++] = b;
    } else if (kind === 2) {
      o[at++] = 0x5c;
      o[at++] = SHORT[b];
    } else {
      o[at++] = 0x5c;
      o[at++] = 0x75;
      o[at++] = 0x30;
      o[at++] = 0x30;
      o[at++] = HEX[b >> 4];
      o[at++] = HEX[b & 15];
    }
  }
  return at;
}
function ndjson(src, ends, timesMs, start) {
  let at = 0;
  let from = start;
  for (let i = 0; i < ends.length; i++) {
    const to = ends[i];
    const time = String(Math.floor(timesMs[i] / 1000));
    // Worst case: every byte a six-byte escape.
    room(at, (to - from) * 6 + lineStart.length + eventKey.length + lineEnd.length + time.length + 2);
    const o = out;
    o.set(lineStart, at);
    at += lineStart.length;
    for (let k = 0; k < time.length; k++) o[at++] = time.charCodeAt(k);
    o.set(eventKey, at);
    at += eventKey.length;
    o[at++] = 0x22;
    at = escapeInto(src, from, to, o, at);
    o[at++] = 0x22;
    o.set(lineEnd, at);
    at += lineEnd.length;
    from = to;
  }
  return at;
}
parentPort.on('message', (t) => {
  try {
    const n = t.count;
    const m = t.memory;
    const length = ndjson(new Uint8Array(m), new Uint32Array(m, t.endsAt, n), new Float64Array(m, t.timesAt, n), t.start);
    const md5 = createHash('md5').update(out.subarray(0, length)).digest('hex');
    if (length <= t.output.byteLength) {
      new Uint8Array(t.output).set(out.subarray(0, length));
      parentPort.postMessage({ id: t.id, length, md5 });
    } else {
      const body = out.slice(0, length);
      parentPort.postMessage({ id: t.id, body: body.buffer, md5 }, [body.buffer]);
    }
  } catch (e) {
    parentPort.postMessage({ id: t.id, error: String(e && e.message) });
  }
});
`;

interface BodyTask extends PackedBatch {
  id: number;
}

interface BodyResult {
  id: number;
  /** The body's length in the batch's `output` memory; or else `body`, a buffer of its own. */
  length?: number;
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
    { packed: PackedBatch; resolve: (b: SlsBody) => void; reject: (e: unknown) => void }
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
        p.resolve(slsBodyInProcess(unpackBatch(p.packed)));
        if (p.packed.owned) releaseShared(p.packed.memory);
        releaseShared(p.packed.output);
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
    // The thread is done with the batch's events either way.
    if (p.packed.owned) releaseShared(p.packed.memory);
    const { output } = p.packed;
    if (r.md5 !== undefined && r.length !== undefined) {
      // Its body stays in `output` until the batch is acknowledged, then the memory is reused.
      const body = Buffer.from(output, 0, r.length);
      let released = false;
      const release = () => {
        // Once only: a second call could hand back memory another batch has taken since.
        if (!released) releaseShared(output);
        released = true;
      };
      p.resolve({ body, md5: r.md5, release });
      return;
    }
    releaseShared(output);
    if (r.body && r.md5 !== undefined) p.resolve({ body: Buffer.from(r.body), md5: r.md5 });
    else p.reject(new Error(r.error ?? 'body thread answered nothing'));
  }

  build(task: SlsBodyTask): Promise<SlsBody> {
    const packed = this.failed
      ? undefined
      : task.packed
        ? packedRangeBatch(task.packed, task.fallbackMs)
        : packBatch(task);
    const worker = packed ? this.start() : undefined;
    if (!packed || !worker) return Promise.resolve().then(() => slsBodyInProcess(task));
    return new Promise<SlsBody>((resolve, reject) => {
      const id = this.nextId++;
      // Only the packed bytes are kept (outside the heap), for a fallback: the event strings
      // can die young instead of being promoted while the thread works ([G] round 5).
      this.pending.set(id, { packed, resolve, reject });
      // Referenced while it owes an answer: the process waits for it.
      worker.ref();
      worker.postMessage({ id, ...packed } satisfies BodyTask);
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
