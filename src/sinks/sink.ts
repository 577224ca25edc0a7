import { type PackedRange, rangeTexts } from '../lib/packed-chunk.js';

/**
 * The contract between the delivery engine (src/jobs/) and every sink. The engine plans a batch,
 * asks the sink to `prepare` it (bytes + name), persists the name, then calls `deliver`; after a
 * crash it prepares the same content again and gets the same bytes and name (decisions §6), so a
 * re-send overwrites the first copy instead of adding a second one.
 */

export type Destination =
  | {
      kind: 'sls';
      project: string;
      logstore: string;
      /** region in the SlsProjectArn */
      region: string;
      accountId: string;
    }
  | {
      kind: 'oss';
      bucket: string;
      /** OssKeyPrefix, '' when none */
      prefix: string;
    };

/**
 * One planned batch of one acsRegion, in sequence order: for OSS the events of one UTC bucket of
 * eventTime (5 minutes live; up to a day for a history job, under a size cap), for SLS a run of
 * up to 4,096 events / 3 MB (src/jobs/batching/).
 */
export interface BatchContent {
  accountId: string;
  trailName: string;
  /** acsRegion of every event in the batch. */
  region: string;
  destination: Destination;
  /** Start of the UTC bucket (epoch ms), the OSS name's timestamp; for SLS the first event's 5 minutes. */
  bucketStart: number;
  /** Sequences of the first and last event: a batch's identity in the event store. */
  firstSeq: number;
  lastSeq: number;
  /**
   * The stored event JSON texts, in sequence order (each a complete JSON object); empty when
   * `packed` holds them. Read them with `eventTexts`, count them with `eventCount`.
   */
  events: readonly string[];
  /**
   * The same events as UTF-8 bytes in a chunk the scan thread read (src/lib/packed-chunk.ts),
   * valid only until `prepare` resolves: a sink that needs them later keeps `eventTexts`.
   */
  packed?: PackedRange | undefined;
  /**
   * eventTime (epoch ms) of each event, as the store's `event_time` column holds it (set from the
   * event's `eventTime` when it was stored). When present, sinks take the times from here instead
   * of parsing every event's JSON; the engine always passes it.
   */
  eventTimes?: readonly number[];
  /**
   * OSS layout: the gzip level (default GZIP_LEVEL, src/sinks/layouts/deterministic-gzip.ts).
   * Set only to re-prepare a batch planned by an earlier version with the level it used.
   */
  gzipLevel?: number;
}

/** The batch's event texts (decoded from `packed` when it holds them). */
export function eventTexts(content: BatchContent): readonly string[] {
  return content.packed ? rangeTexts(content.packed) : content.events;
}

export function eventCount(content: BatchContent): number {
  return content.packed ? content.packed.to - content.packed.from : content.events.length;
}

/** What a sink will write for a batch: deterministic for the same content (same bytes, same name). */
export interface PreparedBatch {
  /**
   * What was prepared. A sink whose body already holds the events (the file sink, OSS: both
   * layouts' prepare functions) leaves `events` empty here so their texts can be freed while the
   * batch waits to be sent; `count` and `eventTimes` stay.
   */
  content: BatchContent;
  /**
   * The object key (OSS layout) or file path relative to the sink root (SLS layout) — persisted by
   * the engine before sending, so a re-send after a crash uses the same name. See docs/sinks.md.
   */
  objectName: string;
  body: Buffer;
  count: number;
  /**
   * Sending this batch again replaces its first copy (a deterministic name and an overwriting
   * write: the file sink, OSS). The engine then records acknowledgements per chunk rather than
   * per batch (src/jobs/tasks/send-planned.ts); SLS PutLogs leaves it unset.
   */
  overwrites?: boolean;
  /**
   * The body lives in memory the sink reuses (the SLS-layout body thread's pool): the engine
   * calls this once the batch is acknowledged and its body no longer needed. A batch dropped
   * without it (a failure, a read-ahead let go) merely leaves that memory to the GC.
   */
  release?: () => void;
}

export interface DeliveryAck {
  objectName: string;
  bytes: number;
  count: number;
}

export interface SinkErrorDetails {
  /** errno code for file-system failures (`ENOSPC`, `EACCES`, …), otherwise a sink-specific name. */
  code: string;
  /** True when the same batch may succeed later (the engine backs off and re-sends it). */
  retryable: boolean;
  retryAfterMs?: number;
  cause?: unknown;
}

/** The only error a sink throws from `prepare`/`deliver`; the engine decides retry vs fail on it. */
export class SinkError extends Error {
  readonly details: SinkErrorDetails;

  constructor(message: string, details: SinkErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'SinkError';
    this.details = details;
  }
}

export function isSinkError(e: unknown): e is SinkError {
  return e instanceof SinkError;
}

export interface Sink {
  /** 'file', later 'sls', 's3'. */
  readonly kind: string;
  prepare(content: BatchContent): Promise<PreparedBatch>;
  /** Resolves only once the batch is durable at the destination. */
  deliver(batch: PreparedBatch, signal?: AbortSignal): Promise<DeliveryAck>;
  /**
   * Proves the destination takes writes now (`opentrail doctor`): resolves to a short
   * description, throws a SinkError saying what is wrong.
   */
  healthCheck?(): Promise<string>;
  close?(): Promise<void>;
}
