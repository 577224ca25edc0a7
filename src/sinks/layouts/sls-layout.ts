import { createHash } from 'node:crypto';
import { withRoom } from '../../lib/buffer-room.js';
import { type PackedRange, rangeTexts } from '../../lib/packed-chunk.js';
import { parseIsoSeconds } from '../../lib/time.js';
import { type BatchContent, eventCount, type PreparedBatch } from '../sink.js';
import { batchDestination } from './check-batch.js';

/** ActionTrail's topic for trail delivery; Log Audit's `actiontrail_event` is another product (delivery-sinks §1.2). */
export const SLS_TOPIC = 'actiontrail_audit_event';

/** One log as SLS would hold it: `event` is the event as a JSON *string*, not a nested object. */
export interface SlsLogLine {
  __topic__: typeof SLS_TOPIC;
  /** Log.Time in epoch seconds: the event's eventTime (decisions §6). */
  __time__: number;
  event: string;
}

/**
 * The event's `eventTime` in epoch seconds. Stored events carry the wire format
 * `yyyy-MM-ddTHH:mm:ssZ`; any other ISO form is still accepted, and an event without a readable
 * time falls back to its bucket start (it was bucketed by that time, so it is the closest we know)
 * rather than failing a batch that can never succeed.
 */
export function slsLogTime(eventJson: string, fallbackMs: number): number {
  return eventSeconds(eventJson) ?? Math.floor(fallbackMs / 1000);
}

/** The event's `eventTime` in epoch seconds, or undefined when it has no readable one. */
export function eventSeconds(eventJson: string): number | undefined {
  let eventTime: unknown;
  try {
    eventTime = (JSON.parse(eventJson) as { eventTime?: unknown }).eventTime;
  } catch {
    return undefined;
  }
  if (typeof eventTime !== 'string') return undefined;
  const ms = parseIsoSeconds(eventTime) ?? Date.parse(eventTime);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}

export function slsLogLine(eventJson: string, fallbackMs: number): SlsLogLine {
  return { __topic__: SLS_TOPIC, __time__: slsLogTime(eventJson, fallbackMs), event: eventJson };
}

const LINE_START = `{"__topic__":${JSON.stringify(SLS_TOPIC)},"__time__":`;
const EVENT_KEY = ',"event":';
const LINE_END = '}\n';
/** The line's fixed text, for the body thread (body-threads.ts), which writes the same lines. */
export const SLS_LINE_PARTS = { lineStart: LINE_START, eventKey: EVENT_KEY, lineEnd: LINE_END };

/**
 * NDJSON body: one log per line, each line ending in `\n` (so files concatenate cleanly). The
 * line is `JSON.stringify(slsLogLine(…))` written out by hand (same bytes, no object per event),
 * straight into one buffer: building the body as one string and encoding it after cost a rope
 * of ~3 strings per event, its flattening and a second copy ([G] round 4, docs/benchmarks.md).
 * `timesMs` (the store's eventTime column) spares parsing each event for its time.
 */
export function slsNdjson(
  events: readonly string[],
  fallbackMs: number,
  timesMs?: readonly number[],
): Buffer {
  let size = 0;
  for (const e of events) size += e.length;
  // Room for the escapes of a typical event; grown when an event needs more.
  let out: Buffer = Buffer.allocUnsafe(
    size + (size >> 3) + events.length * (LINE_START.length + 24),
  );
  let at = 0;
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as string;
    const ms = timesMs?.[i];
    const time = ms === undefined ? slsLogTime(e, fallbackMs) : Math.floor(ms / 1000);
    const quoted = JSON.stringify(e);
    // UTF-8 takes at most 3 bytes per UTF-16 unit; the line's own text is ASCII.
    out = withRoom(out, at, quoted.length * 3 + LINE_START.length + 32);
    at += out.write(LINE_START, at, 'latin1');
    at += out.write(String(time), at, 'latin1');
    at += out.write(EVENT_KEY, at, 'latin1');
    at += out.write(quoted, at, 'utf8');
    at += out.write(LINE_END, at, 'latin1');
  }
  // A copy of exactly the body's length: the buffer's spare room is not kept alive with it.
  return Buffer.from(out.subarray(0, at));
}

export interface SlsFileNameParts {
  project: string;
  logstore: string;
  region: string;
  firstSeq: number;
  lastSeq: number;
  count: number;
  /** Hex MD5 of the NDJSON body. */
  md5: string;
}

/** Zero-padded to 20 digits, so the files of a region sort in delivery order. */
const seq20 = (seq: number) => String(seq).padStart(20, '0');

/**
 * `<project>/<logstore>/<region>/<firstSeq>-<lastSeq>_<count>_<md5>.ndjson`, relative to the
 * SLS-layout root. An SLS batch is a run of events in sequence order (not a time bucket: each
 * log carries its own time), so its sequence range names it; the MD5 makes the name depend on
 * the content too, so a re-sent batch overwrites its first copy.
 */
export function slsFileName(parts: SlsFileNameParts): string {
  const file = `${seq20(parts.firstSeq)}-${seq20(parts.lastSeq)}_${parts.count}_${parts.md5}.ndjson`;
  return [parts.project, parts.logstore, parts.region, file].join('/');
}

/** What an SLS-layout body is built from: a batch's events and their times. */
export interface SlsBodyTask {
  events: readonly string[];
  /** The events as a scan chunk holds them (then `events` is empty). */
  packed?: PackedRange | undefined;
  fallbackMs: number;
  timesMs?: readonly number[] | undefined;
}

/** The NDJSON body of a batch and its hex MD5. */
export interface SlsBody {
  body: Buffer;
  md5: string;
  /** The body lives in pooled memory: call once it has been written (PreparedBatch.release). */
  release?: (() => void) | undefined;
}

/** Builds a body in-process, or on a thread (body-threads.ts). */
export type SlsBodyBuilder = (task: SlsBodyTask) => Promise<SlsBody>;

/** The body and its MD5 on this thread (also the body thread's fallback). */
export function slsBodyInProcess(task: SlsBodyTask): SlsBody {
  const events = task.packed ? rangeTexts(task.packed) : task.events;
  const body = slsNdjson(events, task.fallbackMs, task.timesMs);
  return { body, md5: createHash('md5').update(body).digest('hex') };
}

const buildInProcess: SlsBodyBuilder = async (task) => slsBodyInProcess(task);

/**
 * Bytes and name of an SLS-layout file (file sink only; the real SLS sink sends PutLogs). The
 * body holds the events: the prepared batch's content keeps their count and times, not their
 * texts, and nothing holds the texts while the body is built (see PreparedBatch.content).
 */
export async function prepareSlsBatch(
  content: BatchContent,
  build: SlsBodyBuilder = buildInProcess,
): Promise<PreparedBatch> {
  const destination = batchDestination(content, 'sls');
  const count = eventCount(content);
  const building = build({
    events: content.events,
    packed: content.packed,
    fallbackMs: content.bucketStart,
    timesMs: content.eventTimes,
  });
  const emptied: BatchContent = { ...content, events: [], packed: undefined };
  const { body, md5, release } = await building;
  const objectName = slsFileName({
    project: destination.project,
    logstore: destination.logstore,
    region: emptied.region,
    firstSeq: emptied.firstSeq,
    lastSeq: emptied.lastSeq,
    count,
    md5,
  });
  return { content: emptied, objectName, body, count, release };
}
