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

/**
 * ossJsonArray of events a scan chunk holds, as the pieces gzip reads in turn: the chunk keeps
 * a comma after each event, so the events of a range are already the array's inside, read where
 * they are. Copying them into one buffer first was ~1.2 µs per event of the main thread ([G]
 * round 6); gzip gives the same bytes for pieces as for their concatenation (tested).
 */
export function ossJsonArrayPieces(range: PackedRange): Uint8Array[] {
  const c = range.chunk;
  const inside =
    range.to > range.from
      ? c.bytes.subarray(c.start(range.from), c.ends[range.to - 1] as number)
      : Buffer.alloc(0);
  return [OPEN, inside, CLOSE];
}

const OPEN = Buffer.from('[');
const CLOSE = Buffer.from(']');

/**
 * Bytes and key of an OSS-layout batch; the same content always gives the same result. The body
 * holds the events: the prepared batch's content keeps their count and times, not their texts,
 * and nothing holds the texts while the body is gzipped (see PreparedBatch.content).
 */
export async function prepareOssBatch(content: BatchContent): Promise<PreparedBatch> {
  const destination = batchDestination(content, 'oss');
  const count = eventCount(content);
  const json = content.packed ? ossJsonArrayPieces(content.packed) : ossJsonArray(content.events);
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
