import type { PreparedBatch } from '../../sinks/sink.js';

/**
 * A chunk read and prepared, not planned yet. It keeps what planning needs, not the events:
 * once prepared, a batch's bytes are in its body, and holding a chunk's event texts (~5 MB)
 * until it is sent only grew the heap ([G] round 4).
 */
export interface ReadChunk {
  /** Events read (0: the stream is exhausted). */
  count: number;
  /** Sequence of the last event read: the chunk's end. */
  lastSeq: number;
  /** Each batch's bucket length, beside `prepared`. */
  bucketMs: number[];
  prepared: PreparedBatch[];
}

/** At most this many chunks wait (one per stream a worker is on, with room to spare). */
const MAX_ENTRIES = 8;

/**
 * The next chunk of a history stream, read and prepared while the current one is being sent, so
 * the database scan and the compression overlap the file writes and their fsyncs (two cores:
 * the scan on the main thread, gzip and fsync on the thread pool). Only a hint: the entry is
 * used when the same stream asks for the chunk after the same checkpoint with nothing planned,
 * and a history job's events up to its cut-off never change, so the chunk read ahead is the
 * chunk that would be read then. Nothing is written before the chunk is planned as usual.
 */
export class ChunkReadAhead {
  private readonly entries = new Map<string, Promise<ReadChunk>>();

  static key(jobId: number, region: string, destination: string, afterSeq: number): string {
    return `${jobId}\n${region}\n${destination}\n${afterSeq}`;
  }

  put(key: string, chunk: Promise<ReadChunk>): void {
    // Awaited only by `take`; a failure then surfaces there, as a direct read's would.
    chunk.catch(() => undefined);
    this.entries.delete(key);
    this.entries.set(key, chunk);
    for (const old of this.entries.keys()) {
      if (this.entries.size <= MAX_ENTRIES) break;
      this.entries.delete(old);
    }
  }

  /** The chunk read ahead for this key, once (undefined when there is none). */
  take(key: string): Promise<ReadChunk> | undefined {
    const chunk = this.entries.get(key);
    this.entries.delete(key);
    return chunk;
  }

  /** Forgets every stream of a job (it ended, or another worker may now hold it). */
  forgetJob(jobId: number): void {
    for (const key of this.entries.keys()) {
      if (key.startsWith(`${jobId}\n`)) this.entries.delete(key);
    }
  }
}
