import { createHash } from 'node:crypto';
import { parseIsoSeconds } from '../../lib/time.js';
import type { BatchContent, PreparedBatch } from '../sink.js';
import { batchDestination } from './check-batch.js';
import { utcParts } from './utc-parts.js';

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
  let eventTime: unknown;
  try {
    eventTime = (JSON.parse(eventJson) as { eventTime?: unknown }).eventTime;
  } catch {
    eventTime = undefined;
  }
  let ms: number | undefined;
  if (typeof eventTime === 'string') {
    ms = parseIsoSeconds(eventTime) ?? Date.parse(eventTime);
  }
  return Math.floor((ms !== undefined && Number.isFinite(ms) ? ms : fallbackMs) / 1000);
}

export function slsLogLine(eventJson: string, fallbackMs: number): SlsLogLine {
  return { __topic__: SLS_TOPIC, __time__: slsLogTime(eventJson, fallbackMs), event: eventJson };
}

/** NDJSON body: one log per line, each line ending in `\n` (so files concatenate cleanly). */
export function slsNdjson(events: readonly string[], fallbackMs: number): Buffer {
  const lines = events.map((e) => `${JSON.stringify(slsLogLine(e, fallbackMs))}\n`);
  return Buffer.from(lines.join(''), 'utf8');
}

export interface SlsFileNameParts {
  project: string;
  logstore: string;
  region: string;
  bucketStart: number;
  count: number;
  /** Hex MD5 of the NDJSON body. */
  md5: string;
}

/**
 * `<project>/<logstore>/<region>/<YYYY>/<MM>/<DD>/<YYYYMMDDHHMMSS>_<count>_<md5>.ndjson`, relative
 * to the SLS-layout root. Partitioned like the OSS layout (UTC, bucket start) so both look alike;
 * the MD5 makes the name depend on the content, so a re-sent batch overwrites its first copy.
 */
export function slsFileName(parts: SlsFileNameParts): string {
  const { yyyy, mm, dd, stamp } = utcParts(parts.bucketStart);
  const file = `${stamp}_${parts.count}_${parts.md5}.ndjson`;
  return [parts.project, parts.logstore, parts.region, yyyy, mm, dd, file].join('/');
}

/** Bytes and name of an SLS-layout file (file sink only; the real SLS sink sends PutLogs). */
export async function prepareSlsBatch(content: BatchContent): Promise<PreparedBatch> {
  const destination = batchDestination(content, 'sls');
  const body = slsNdjson(content.events, content.bucketStart);
  const objectName = slsFileName({
    project: destination.project,
    logstore: destination.logstore,
    region: content.region,
    bucketStart: content.bucketStart,
    count: content.events.length,
    md5: createHash('md5').update(body).digest('hex'),
  });
  return { content, objectName, body, count: content.events.length };
}
