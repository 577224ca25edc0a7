import { type FileCap, HISTORY_FILE_CAP } from '../batching/coarse-bucket.batching.js';

export interface EngineOptions {
  /** Concurrent workers in this process. */
  workers: number;
  /** A lease not renewed for this long is taken over by another worker. */
  leaseMs: number;
  /**
   * How long one claim keeps working on a job before handing it back (rotation). 0 = one chunk
   * per claim. Longer slices mean fewer claims; shorter ones interleave jobs more finely.
   */
  sliceMs: number;
  /** Idle polling interval (a job created in-process also wakes the engine at once). */
  pollMs: number;
  /** Events read per chunk: bounds memory whatever the job size. */
  chunkSize: number;
  /** Batches in flight per (region, destination). */
  inFlight: number;
  /** Failed attempts of one stream before its region is marked failed. */
  maxFailures: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Live OSS/file delivery flushes at most this long after the previous flush… */
  liveFlushMs: number;
  /** …or as soon as this many events wait (one flush = at most this many). */
  liveFlushEvents: number;
  /** How often a live stream with nothing new looks again (SLS freshness). */
  liveIdleMs: number;
  /** Largest history OSS object before its bucket is split (day → hour → 5 min → runs). */
  historyFileCap: FileCap;
  /** Read and prepare a history stream's next chunk while the current one is sent. */
  readAhead: boolean;
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = {
  workers: 2,
  leaseMs: 30_000,
  sliceMs: 250,
  pollMs: 500,
  chunkSize: 5_000,
  inFlight: 4,
  maxFailures: 8,
  backoffBaseMs: 500,
  backoffMaxMs: 60_000,
  liveFlushMs: 60_000,
  liveFlushEvents: 10_000,
  liveIdleMs: 1_000,
  historyFileCap: HISTORY_FILE_CAP,
  readAhead: true,
};
