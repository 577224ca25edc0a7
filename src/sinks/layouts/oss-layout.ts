import { createHash } from 'node:crypto';
import { withRoom } from '../../lib/buffer-room.js';
import type { PackedRange } from '../../lib/packed-chunk.js';
import { type BatchContent, eventCount, type PreparedBatch } from '../sink.js';
import { batchDestination } from './check-batch.js';
import { deterministicGzip } from './deterministic-gzip.js';
import { utcParts } from './utc-parts.js';

/** `<EventType>` of ActionTrail's key layout; note the capitalisation (delivery-sinks §2.1). */
const EVENT_TYPE = 'Actiontrail';
/** Undocumented constant in every real ActionTrail file name; emitted literally. */
const LAYOUT_CONSTANT = '1002';

export interface OssKeyParts {
  /** OssKeyPrefix, '' when none. */
  prefix: string;
  /** acsRegion of the events. */
  region: string;
  /** Start of the batch's UTC bucket (5 minutes, an hour or a day; epoch ms): the key's timestamp (decisions §6). */
  bucketStart: number;
  count: number;
  /** Length of the gzip object in bytes. */
  size: number;
  /** Hex MD5 of the gzip object (its ETag for a simple PUT). */
  md5: string;
}

/**
 * `<prefix>/AliyunLogs/Actiontrail/<region>/<YYYY>/<MM>/<DD>/Actiontrail_<region>_<YYYYMMDDHHMMSS>_1002_<count>_<size>_<md5>.gz`
 * (delivery-sinks §2.1). Slashes around the prefix are trimmed so a prefix such as `logs/` never
 * produces an empty key segment (which a file-system copy could not represent).
 */
export function ossObjectKey(parts: OssKeyParts): string {
  const { yyyy, mm, dd, stamp } = utcParts(parts.bucketStart);
  const file = [
    EVENT_TYPE,
    parts.region,
    stamp,
    LAYOUT_CONSTANT,
    parts.count,
    parts.size,
    parts.md5,
  ].join('_');
  const prefix = parts.prefix.replace(/^\/+|\/+$/g, '');
  const segments = ['AliyunLogs', EVENT_TYPE, parts.region, yyyy, mm, dd, `${file}.gz`];
  return (prefix ? [prefix, ...segments] : segments).join('/');
}

/**
 * The OSS file content: one JSON array of the events (delivery-sinks §2.2), the stored texts
 * joined so the events reach the destination exactly as they were stored. Written straight into
 * one buffer rather than joined into a string and encoded after (one copy fewer per event).
 */
export function ossJsonArray(events: readonly string[]): Buffer {
  let size = 2 + events.length;
  for (const e of events) size += e.length;
  let out: Buffer = Buffer.allocUnsafe(size + (size >> 4));
  let at = out.write('[', 0, 'latin1');
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as string;
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    out = withRoom(out, at, e.length * 3 + 2);
    if (i > 0) at += out.write(',', at, 'latin1');
    at += out.write(e, at, 'utf8');
  }
  at += out.write(']', at, 'latin1');
  return out.subarray(0, at);
}

/** ossJsonArray of events a scan chunk holds: their bytes copied as they are, no text made. */
export function ossJsonArrayOfRange(range: PackedRange): Buffer {
  const c = range.chunk;
  const first = c.start(range.from);
  const n = range.to - range.from;
  const out = Buffer.allocUnsafe((n > 0 ? (c.ends[range.to - 1] as number) - first : 0) + n + 2);
  let at = out.write('[', 0, 'latin1');
  let from = first;
  for (let i = range.from; i < range.to; i++) {
    const to = c.ends[i] as number;
    if (i > range.from) out[at++] = 0x2c;
    at += c.bytes.copy(out, at, from, to);
    from = to;
  }
  out[at++] = 0x5d;
  return out.subarray(0, at);
}

/**
 * Bytes and key of an OSS-layout batch; the same content always gives the same result. The body
 * holds the events: the prepared batch's content keeps their count and times, not their texts,
 * and nothing holds the texts while the body is gzipped (see PreparedBatch.content).
 */
export async function prepareOssBatch(content: BatchContent): Promise<PreparedBatch> {
  const destination = batchDestination(content, 'oss');
  const count = eventCount(content);
  const json = content.packed ? ossJsonArrayOfRange(content.packed) : ossJsonArray(content.events);
  const zipping = deterministicGzip(json, content.gzipLevel);
  const emptied: BatchContent = { ...content, events: [], packed: undefined };
  const body = await zipping;
  const objectName = ossObjectKey({
    prefix: destination.prefix,
    region: emptied.region,
    bucketStart: emptied.bucketStart,
    count,
    size: body.length,
    md5: createHash('md5').update(body).digest('hex'),
  });
  return { content: emptied, objectName, body, count };
}
