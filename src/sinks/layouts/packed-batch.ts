import { type PackedRange, SEPARATOR_BYTES } from '../../lib/packed-chunk.js';
import { releaseShared, takeShared } from '../../lib/shared-memory-pool.js';
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
  /** Byte offsets in `memory`: the events' times (Float64), their ends (Uint32), the first's start. */
  timesAt: number;
  endsAt: number;
  start: number;
  /** Bytes between one event's end and the next one's start (a scan chunk's commas). */
  gap: number;
  /**
   * The memory is the batch's own (packBatch), given back once the thread has answered; else
   * it is a scan chunk's (packedRangeBatch), given back by the engine when the chunk is done.
   */
  owned: boolean;
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
  const output = takeOutput(at - 12 * n, n);
  const layout = { timesAt: 0, endsAt: 8 * n, start: 12 * n, gap: 0, owned: true };
  return { memory, count: n, ...layout, fallbackMs: task.fallbackMs, output };
}

/** A batch whose events a scan chunk already holds end to end: nothing is copied. */
export function packedRangeBatch(range: PackedRange, fallbackMs: number): PackedBatch {
  const c = range.chunk;
  const n = range.to - range.from;
  const start = c.start(range.from);
  const bodyGuess = n > 0 ? (c.ends[range.to - 1] as number) - start : 0;
  return {
    memory: c.memory,
    count: n,
    timesAt: c.times.byteOffset + 8 * range.from,
    endsAt: c.ends.byteOffset + 4 * range.from,
    start,
    gap: SEPARATOR_BYTES,
    owned: false,
    fallbackMs,
    output: takeOutput(bodyGuess, n),
  };
}

/** The batch's events again, for building its body on the main thread should the thread fail. */
export function unpackBatch(p: PackedBatch): SlsBodyTask {
  const n = p.count;
  const bytes = Buffer.from(p.memory);
  const ends = new Uint32Array(p.memory, p.endsAt, n);
  const events: string[] = [];
  let from = p.start;
  for (const to of ends) {
    events.push(bytes.toString('utf8', from, to));
    from = to + p.gap;
  }
  return {
    events,
    fallbackMs: p.fallbackMs,
    timesMs: [...new Float64Array(p.memory, p.timesAt, n)],
  };
}

/** Where the thread writes the body of `n` events of `bytes` UTF-8 bytes (see `output`). */
function takeOutput(bytes: number, n: number): SharedArrayBuffer {
  // A line adds its framing (~70 bytes) and the escapes (1/8 is generous for JSON text).
  return takeShared(bytes + (bytes >> 3) + n * 72);
}
