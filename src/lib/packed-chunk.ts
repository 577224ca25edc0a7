import { releaseShared } from './shared-memory-pool.js';

/**
 * A chunk of stored events in one SharedArrayBuffer, as the delivery scan thread fills it
 * ([G] round 6, src/db/repositories/events-scan-thread.ts) and the SLS-layout body thread reads
 * it: the event texts never become strings on the main thread, whose scan, strings and their
 * garbage were most of a dense history job's main-thread time and of its heap's growth.
 *
 * Layout (`chunkLayout`; the scan thread, which cannot import this module, is handed it): seq
 * (Float64), eventTime (Float64), where each event's UTF-8 bytes end (Uint32, absolute offset),
 * its UTF-16 length (Uint32), flags (Uint8), each `capacity` long, then the events' UTF-8 bytes,
 * each followed by a comma: a run of events is then already the inside of an OSS-layout JSON
 * array, which gzip reads where it is (src/sinks/layouts/oss-layout.ts). Flag 1: the text
 * matches the cheap Data-event pattern, so the Data-event rule must look at it
 * (src/jobs/store-event-source.ts).
 */
export function chunkLayout(capacity: number) {
  const c = capacity;
  return {
    seqs: 0,
    times: 8 * c,
    ends: 16 * c,
    chars: 20 * c,
    flags: 24 * c,
    bytes: Math.ceil((25 * c) / 8) * 8,
  };
}

export type ChunkLayout = ReturnType<typeof chunkLayout>;

/** The byte after each event: a comma. */
export const SEPARATOR = 0x2c;
export const SEPARATOR_BYTES = 1;

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
    const at = chunkLayout(c);
    this.seqs = new Float64Array(memory, at.seqs, c);
    this.times = new Float64Array(memory, at.times, c);
    this.ends = new Uint32Array(memory, at.ends, c);
    this.chars = new Uint32Array(memory, at.chars, c);
    this.flags = new Uint8Array(memory, at.flags, c);
    this.bytes = Buffer.from(memory);
    this.bytesAt = at.bytes;
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
