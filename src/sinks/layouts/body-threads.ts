import { HelperThread } from '../../lib/helper-thread.js';
import { releaseShared } from '../../lib/shared-memory-pool.js';
import { JSON_ESCAPE_WASM } from './json-escape-wasm.js';
import { type PackedBatch, packBatch, packedRangeBatch, unpackBatch } from './packed-batch.js';
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
 * The thread's heap stays small: a batch arrives as UTF-8 bytes in shared memory and its lines
 * are written into the WebAssembly module's memory (kept and grown); its garbage never reaches
 * the main heap.
 */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 };

/**
 * The thread's code: plain CommonJS (no loader), so it starts in a few ms and ~10 MB from
 * src/ and dist/ alike. It writes `slsNdjson`'s lines from the events' UTF-8 bytes ([G] round 5),
 * the JSON string escape of each done by json-escape.wat ([G] round 6: 4.9 → ~1 µs per ~1.1 KB
 * event, where a JavaScript loop over the bytes was the thread's main cost), which for
 * well-formed text is exactly JSON.stringify followed by UTF-8 encoding. Receiving strings cost
 * a structured clone of every event on both threads and the strings lived on the main heap
 * until the answer came (round 4's thread: 8.8 µs per event, the job's bottleneck).
 * body-threads.test.ts checks both give the same bytes for every character class.
 */
const CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const lineStart = Buffer.from(workerData.lineStart, 'latin1');
const eventKey = Buffer.from(workerData.eventKey, 'latin1');
const lineEnd = Buffer.from(workerData.lineEnd, 'latin1');
// Without WebAssembly the thread fails to start, and bodies are built in-process instead.
const { memory, escape } = new WebAssembly.Instance(
  new WebAssembly.Module(Buffer.from(workerData.escapeWasm, 'base64')),
  {},
).exports;
// The module's tables take its first 64 bytes; the batch's bytes follow, then its body.
const IN = 64;
const PAGE = 65536;
function ndjson(src, ends, timesMs, start, gap) {
  const n = ends.length;
  const length = n > 0 ? ends[n - 1] - start : 0;
  const out = IN + length + 32;
  // Worst case: every byte a six-byte escape, plus each line's framing and the module's slack.
  const need = out + length * 6 + n * (lineStart.length + eventKey.length + lineEnd.length + 24) + 32;
  if (need > memory.buffer.byteLength) memory.grow(Math.ceil((need - memory.buffer.byteLength) / PAGE));
  const o = new Uint8Array(memory.buffer);
  o.set(src.subarray(start, start + length), IN);
  let at = out;
  let from = IN;
  for (let i = 0; i < n; i++) {
    const to = IN + ends[i] - start;
    const time = String(Math.floor(timesMs[i] / 1000));
    o.set(lineStart, at);
    at += lineStart.length;
    for (let k = 0; k < time.length; k++) o[at++] = time.charCodeAt(k);
    o.set(eventKey, at);
    at += eventKey.length;
    o[at++] = 0x22;
    at = escape(from, to, at);
    o[at++] = 0x22;
    o.set(lineEnd, at);
    at += lineEnd.length;
    from = to + gap;
  }
  return o.subarray(out, at);
}
parentPort.on('message', (t) => {
  try {
    const n = t.count;
    const m = t.memory;
    const body = ndjson(new Uint8Array(m), new Uint32Array(m, t.endsAt, n), new Float64Array(m, t.timesAt, n), t.start, t.gap);
    const md5 = createHash('md5').update(body).digest('hex');
    if (body.length <= t.output.byteLength) {
      new Uint8Array(t.output).set(body);
      parentPort.postMessage({ id: t.id, length: body.length, md5 });
    } else {
      const copy = body.slice();
      parentPort.postMessage({ id: t.id, body: copy.buffer, md5 }, [copy.buffer]);
    }
  } catch (e) {
    parentPort.postMessage({ id: t.id, error: String(e && e.message) });
  }
});
`;

interface BodyResult {
  id: number;
  /** The body's length in the batch's `output` memory; or else `body`, a buffer of its own. */
  length?: number;
  body?: ArrayBuffer;
  md5?: string;
  error?: string;
}

class BodyThread {
  private readonly thread = new HelperThread<BodyResult>(CODE, {
    workerData: { ...SLS_LINE_PARTS, escapeWasm: JSON_ESCAPE_WASM },
    resourceLimits: RESOURCE_LIMITS,
  });

  async build(task: SlsBodyTask): Promise<SlsBody> {
    const packed = !this.thread.usable
      ? undefined
      : task.packed
        ? packedRangeBatch(task.packed, task.fallbackMs)
        : packBatch(task);
    if (!packed) return slsBodyInProcess(task);
    // Only the packed bytes are kept (outside the heap), for a fallback: the event strings can
    // die young instead of being promoted while the thread works ([G] round 5).
    const r = await this.thread.request(packed satisfies PackedBatch);
    // The thread is gone: built here (from the packed bytes), and so is everything after.
    const fallback = r === undefined ? unpackBatch(packed) : undefined;
    // The thread is done with the batch's events either way.
    if (packed.owned) releaseShared(packed.memory);
    const { output } = packed;
    if (r === undefined) {
      releaseShared(output);
      return slsBodyInProcess(fallback as SlsBodyTask);
    }
    if (r.md5 !== undefined && r.length !== undefined) {
      // Its body stays in `output` until the batch is acknowledged, then the memory is reused.
      const body = Buffer.from(output, 0, r.length);
      let released = false;
      const release = () => {
        // Once only: a second call could hand back memory another batch has taken since.
        if (!released) releaseShared(output);
        released = true;
      };
      return { body, md5: r.md5, release };
    }
    releaseShared(output);
    if (r.body && r.md5 !== undefined) return { body: Buffer.from(r.body), md5: r.md5 };
    throw new Error(r.error ?? 'body thread answered nothing');
  }

  close(): Promise<void> {
    return this.thread.close();
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
