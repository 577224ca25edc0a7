import { releaseShared } from './shared-memory-pool.js';

/**
 * A chunk of stored events in one SharedArrayBuffer, as the delivery scan thread fills it
 * ([G] round 6, src/db/repositories/events-scan-thread.ts) and the SLS-layout body thread reads
 * it: the event texts never become strings on the main thread, whose scan, strings and their
 * garbage were most of a dense history job's main-thread time and of its heap's growth.
 *
 * Layout for `capacity` events (each array from its offset, `capacity` long):
 * seq Float64 at 0, eventTime Float64 at 8·c, end of the event's UTF-8 bytes (absolute offset)
 * Uint32 at 16·c, UTF-16 length Uint32 at 20·c, flags Uint8 at 24·c, the events' UTF-8 bytes
 * from `chunkBytesAt(c)`, each followed by a comma: a run of events is then already the inside
 * of an OSS-layout JSON array, which gzip reads where it is (src/sinks/layouts/oss-layout.ts).
 * Flag 1: the text matches the cheap Data-event pattern, so the Data-event rule must look at it
 * (src/jobs/store-event-source.ts).
 */
/** The comma after each event. */
export const SEPARATOR_BYTES = 1;

export function chunkBytesAt(capacity: number): number {
  return Math.ceil((25 * capacity) / 8) * 8;
}

export class PackedChunk {
  readonly seqs: Float64Array;
  readonly times: Float64Array;
  readonly ends: Uint32Array;
  readonly chars: Uint32Array;
  readonly flags: Uint8Array;
  readonly bytes: Buffer;
  readonly bytesAt: number;

  constructor(
    readonly memory: SharedArrayBuffer,
    readonly capacity: number,
    public count: number,
  ) {
    const c = capacity;
    this.seqs = new Float64Array(memory, 0, c);
    this.times = new Float64Array(memory, 8 * c, c);
    this.ends = new Uint32Array(memory, 16 * c, c);
    this.chars = new Uint32Array(memory, 20 * c, c);
    this.flags = new Uint8Array(memory, 24 * c, c);
    this.bytes = Buffer.from(memory);
    this.bytesAt = chunkBytesAt(c);
  }

  /** Where event i's bytes start (after the previous event and its comma). */
  start(i: number): number {
    return i === 0 ? this.bytesAt : (this.ends[i - 1] as number) + SEPARATOR_BYTES;
  }

  /** Event i's text (decoded: only for the Data-event rule and sinks that need strings). */
  text(i: number): string {
    return this.bytes.toString('utf8', this.start(i), this.ends[i] as number);
  }

  /**
   * Drops the events at the indices `dropped` (decided before: texts move here), moving the rest down so that the events kept stay end to
   * end, commas between (a batch is then always one run of bytes). Rare: only events left out by the Data-event
   * rule are dropped.
   */
  compact(dropped: ReadonlySet<number>): void {
    let w = 0;
    let from = this.bytesAt;
    // The original ends: those of kept events are rewritten on the way.
    let start = this.bytesAt;
    for (let i = 0; i < this.count; i++) {
      const end = this.ends[i] as number;
      const kept = !dropped.has(i);
      const at = start;
      start = end + SEPARATOR_BYTES;
      if (!kept) continue;
      if (w !== i) {
        this.bytes.copyWithin(from, at, end + SEPARATOR_BYTES);
        this.seqs[w] = this.seqs[i] as number;
        this.times[w] = this.times[i] as number;
        this.chars[w] = this.chars[i] as number;
        this.flags[w] = this.flags[i] as number;
      }
      this.ends[w] = from + end - at;
      from += end - at + SEPARATOR_BYTES;
      w++;
    }
    this.count = w;
  }

  /** The memory goes back to the pool: call only when no thread reads the chunk any more. */
  release(): void {
    this.count = 0;
    releaseShared(this.memory);
  }
}

/** Events from..to-1 of a chunk: one batch's events, end to end in the chunk's memory. */
export interface PackedRange {
  chunk: PackedChunk;
  from: number;
  to: number;
}

/** The texts of a range, decoded (sinks that need strings; the body thread's fallback). */
export function rangeTexts(r: PackedRange): string[] {
  const out: string[] = [];
  for (let i = r.from; i < r.to; i++) out.push(r.chunk.text(i));
  return out;
}
