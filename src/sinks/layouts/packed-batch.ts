import type { SlsBodyTask } from './sls-layout.js';

/**
 * A batch's events as the body thread (body-threads.ts) receives them: one SharedArrayBuffer
 * holding each event's eventTime (Float64, from offset 0), where each event's bytes end (Uint32,
 * from 8·n) and the events' UTF-8 bytes end to end (from 12·n). Posting an ArrayBuffer copied it
 * twice through the structured clone (2.2 µs per event of the main thread's time, measured);
 * shared memory is handed over as is, and the main thread keeps it for the fallback. Neither
 * thread writes it after the post; it goes back to the pool once the body thread has answered.
 */
export interface PackedBatch {
  memory: SharedArrayBuffer;
  count: number;
  fallbackMs: number;
  /**
   * Where the thread writes the body when it fits (it nearly always does): the body then stays
   * in pooled memory until the batch is acknowledged (PreparedBatch.release), instead of a fresh
   * buffer per batch that lived until a full GC. Such dead bodies and the allocator's arenas
   * holding them were ~100 MB of a dense job's RSS ([G] round 5).
   */
  output: SharedArrayBuffer;
}

/**
 * Shared memory is freed only when both threads' garbage collectors have dropped it, and the
 * body thread allocates so little that it seldom collects: fresh buffers per batch piled up
 * (+100 MB of RSS on a 1 M-event job, measured). Some are kept and reused instead: about what a
 * job's streams have in flight (two chunks of two or three batches each, inputs and bodies).
 */
const KEPT = 8;
const MIN_SIZE = 4 * 1024 * 1024;
const pool: SharedArrayBuffer[] = [];

function takeShared(size: number): SharedArrayBuffer {
  const at = pool.findIndex((m) => m.byteLength >= size);
  if (at >= 0) return pool.splice(at, 1)[0] as SharedArrayBuffer;
  return new SharedArrayBuffer(Math.max(size, MIN_SIZE));
}

/** Gives shared memory back for reuse once no thread reads it any more. */
export function releaseShared(memory: SharedArrayBuffer): void {
  if (pool.length < KEPT && !pool.includes(memory)) pool.push(memory);
}

/**
 * Packs a batch for the thread, or undefined when its text must go through JSON.stringify here:
 * without the store's times (a line's time then comes from parsing its event), or with a string
 * holding a lone surrogate (never one read from the store, whose text is UTF-8), which
 * JSON.stringify escapes but UTF-8 encoding replaces by U+FFFD, so the bytes would differ.
 */
export function packBatch(task: SlsBodyTask): PackedBatch | undefined {
  const times = task.timesMs;
  const n = task.events.length;
  if (times === undefined || times.length !== n) return undefined;
  let chars = 0;
  for (const e of task.events) {
    if (!(e as unknown as { isWellFormed(): boolean }).isWellFormed()) return undefined;
    chars += e.length;
  }
  // Mostly ASCII: one byte per character, grown when an event needs more.
  let memory = takeShared(12 * n + chars + (chars >> 4) + 64);
  let bytes = Buffer.from(memory);
  new Float64Array(memory, 0, n).set(times);
  let ends = new Uint32Array(memory, 8 * n, n);
  let at = 12 * n;
  for (let i = 0; i < n; i++) {
    const e = task.events[i] as string;
    if (at + e.length * 3 > memory.byteLength) {
      const need = at + Buffer.byteLength(e);
      if (need > memory.byteLength) {
        const grown = takeShared(Math.max(memory.byteLength * 2, need));
        new Uint8Array(grown).set(new Uint8Array(memory, 0, at));
        releaseShared(memory);
        memory = grown;
        bytes = Buffer.from(memory);
        ends = new Uint32Array(memory, 8 * n, n);
      }
    }
    at += bytes.write(e, at, 'utf8');
    ends[i] = at;
  }
  // A line adds its framing (~70 bytes) and the escapes (1/8 is generous for JSON text).
  const bodyGuess = at - 12 * n;
  const output = takeShared(bodyGuess + (bodyGuess >> 3) + n * 72);
  return { memory, count: n, fallbackMs: task.fallbackMs, output };
}

/** The batch's events again, for building its body on the main thread should the thread fail. */
export function unpackBatch(p: PackedBatch): SlsBodyTask {
  const n = p.count;
  const bytes = Buffer.from(p.memory);
  const ends = new Uint32Array(p.memory, 8 * n, n);
  const events: string[] = [];
  let from = 12 * n;
  for (const to of ends) {
    events.push(bytes.toString('utf8', from, to));
    from = to;
  }
  return { events, fallbackMs: p.fallbackMs, timesMs: [...new Float64Array(p.memory, 0, n)] };
}
