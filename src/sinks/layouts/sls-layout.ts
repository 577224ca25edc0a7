import { createHash } from 'node:crypto';
import { parseIsoSeconds } from '../../lib/time.js';
import type { BatchContent, PreparedBatch } from '../sink.js';
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

/**
 * NDJSON body: one log per line, each line ending in `\n` (so files concatenate cleanly). The
 * line is `JSON.stringify(slsLogLine(…))` written out by hand (same bytes, no object per event).
 * `timesMs` (the store's eventTime column) spares parsing each event for its time.
 */
export function slsNdjson(
  events: readonly string[],
  fallbackMs: number,
  timesMs?: readonly number[],
): Buffer {
  let text = '';
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as string;
    const ms = timesMs?.[i];
    const time = ms === undefined ? slsLogTime(e, fallbackMs) : Math.floor(ms / 1000);
    text += `${LINE_START}${time},"event":${JSON.stringify(e)}}\n`;
  }
  return Buffer.from(text, 'utf8');
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

/** Bytes and name of an SLS-layout file (file sink only; the real SLS sink sends PutLogs). */
export async function prepareSlsBatch(content: BatchContent): Promise<PreparedBatch> {
  const destination = batchDestination(content, 'sls');
  const body = slsNdjson(content.events, content.bucketStart, content.eventTimes);
  const objectName = slsFileName({
    project: destination.project,
    logstore: destination.logstore,
    region: content.region,
    firstSeq: content.firstSeq,
    lastSeq: content.lastSeq,
    count: content.events.length,
    md5: createHash('md5').update(body).digest('hex'),
  });
  return { content, objectName, body, count: content.events.length };
}
