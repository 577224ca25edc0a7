import type { PackedChunk, PackedRange } from '../lib/packed-chunk.js';
import type { StoredEvent } from './event-source.js';

/**
 * An event of a chunk the scan thread read (src/lib/packed-chunk.ts): its sequence and time as
 * numbers, its text left in the chunk's shared memory until someone asks for it. Batching reads
 * the sizes; the file and OSS layouts take the bytes as they are.
 */
export class PackedStoredEvent implements StoredEvent {
  readonly seq: number;
  readonly eventTime: number;
  readonly chars: number;
  readonly utf8Bytes: number;

  constructor(
    readonly chunk: PackedChunk,
    readonly index: number,
  ) {
    this.seq = chunk.seqs[index] as number;
    this.eventTime = chunk.times[index] as number;
    this.chars = chunk.chars[index] as number;
    this.utf8Bytes = (chunk.ends[index] as number) - chunk.start(index);
  }

  /** Decoded on demand: valid until the chunk is released (after its batches are prepared). */
  get json(): string {
    return this.chunk.text(this.index);
  }
}

export function packedEvents(chunk: PackedChunk): PackedStoredEvent[] {
  const out = new Array<PackedStoredEvent>(chunk.count);
  for (let i = 0; i < chunk.count; i++) out[i] = new PackedStoredEvent(chunk, i);
  return out;
}

/** The events as one range of one chunk, or undefined (texts, or not one run of a chunk). */
export function packedRangeOf(events: readonly StoredEvent[]): PackedRange | undefined {
  const first = events[0];
  if (!(first instanceof PackedStoredEvent)) return undefined;
  for (let k = 1; k < events.length; k++) {
    const e = events[k];
    if (!(e instanceof PackedStoredEvent) || e.chunk !== first.chunk) return undefined;
    if (e.index !== first.index + k) return undefined;
  }
  return { chunk: first.chunk, from: first.index, to: first.index + events.length };
}

/**
 * Gives back the memory of every chunk whose events were all among `events`, once their batches
 * are prepared (bodies built, texts no longer read). A chunk only partly here is left to the GC.
 */
export function releaseChunksOf(events: readonly StoredEvent[]): void {
  const seen = new Map<PackedChunk, number>();
  for (const e of events) {
    if (e instanceof PackedStoredEvent) seen.set(e.chunk, (seen.get(e.chunk) ?? 0) + 1);
  }
  for (const [chunk, n] of seen) if (n === chunk.count) chunk.release();
}
