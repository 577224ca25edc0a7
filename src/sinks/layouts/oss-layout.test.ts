import { createHash } from 'node:crypto';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { BatchContent } from '../sink.js';
import { deterministicGzip, GZIP_LEVEL } from './deterministic-gzip.js';
import { ossJsonArray, ossObjectKey, prepareOssBatch } from './oss-layout.js';

const BUCKET_START = Date.UTC(2021, 7, 5, 0, 25, 0);
// Stored texts deliberately not in JSON.stringify's canonical form (spaces, `1.0`, escapes), so
// any re-serialisation would show up as a changed byte.
const EVENTS = [
  '{"eventId":"e-1","eventTime":"2021-08-05T00:25:26Z","acsRegion":"cn-hangzhou","n": 1.0}',
  '{"eventId":"e-2","eventTime":"2021-08-05T00:27:01Z","acsRegion":"cn-hangzhou","s":"caf\\u00e9 ☕"}',
];

function batch(overrides: Partial<BatchContent> = {}, prefix = 'actiontrail'): BatchContent {
  return {
    accountId: '1234567890123456',
    trailName: 'trail-test',
    region: 'cn-hangzhou',
    destination: { kind: 'oss', bucket: 'audit-bucket', prefix },
    bucketStart: BUCKET_START,
    firstSeq: 41,
    lastSeq: 42,
    events: EVENTS,
    ...overrides,
  };
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

describe('OSS layout', () => {
  it("builds ActionTrail's key from prefix, region, bucket start, count, gzip size and md5", async () => {
    const prepared = await prepareOssBatch(batch());
    const { body } = prepared;
    expect(prepared.objectName).toBe(
      'actiontrail/AliyunLogs/Actiontrail/cn-hangzhou/2021/08/05/' +
        `Actiontrail_cn-hangzhou_20210805002500_1002_2_${body.length}_${md5(body)}.gz`,
    );
    expect(prepared.count).toBe(2);
  });

  it('omits the prefix segment when there is none', async () => {
    const prepared = await prepareOssBatch(batch({}, ''));
    expect(prepared.objectName).toMatch(
      /^AliyunLogs\/Actiontrail\/cn-hangzhou\/2021\/08\/05\/Actiontrail_cn-hangzhou_20210805002500_1002_2_\d+_[0-9a-f]{32}\.gz$/,
    );
  });

  it('partitions by UTC date of the bucket start and never yields empty segments', () => {
    const key = ossObjectKey({
      prefix: '/logs/',
      region: 'ap-southeast-1',
      bucketStart: Date.UTC(2021, 11, 31, 23, 55, 0),
      count: 7,
      size: 123,
      md5: 'a'.repeat(32),
    });
    expect(key).toBe(
      `logs/AliyunLogs/Actiontrail/ap-southeast-1/2021/12/31/Actiontrail_ap-southeast-1_20211231235500_1002_7_123_${'a'.repeat(32)}.gz`,
    );
  });

  it('gzips one JSON array of exactly the stored event texts, in order', async () => {
    const { body } = await prepareOssBatch(batch());
    const text = gunzipSync(body).toString('utf8');
    expect(text).toBe(`[${EVENTS.join(',')}]`);
    const parsed = JSON.parse(text) as { eventId: string }[];
    expect(parsed.map((e) => e.eventId)).toEqual(['e-1', 'e-2']);
  });

  it('puts the real count, byte size and md5 of the object into the key', async () => {
    const { objectName, body } = await prepareOssBatch(batch());
    const m = /_1002_(\d+)_(\d+)_([0-9a-f]{32})\.gz$/.exec(objectName);
    expect(m?.slice(1)).toEqual(['2', String(body.length), md5(body)]);
  });

  it('writes a gzip header without mtime or file name, from a fixed OS', async () => {
    const { body } = await prepareOssBatch(batch());
    expect([...body.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
  });

  it('gives byte-identical output and the same key for the same content', async () => {
    const first = await prepareOssBatch(batch());
    const again = await prepareOssBatch(batch({ events: [...EVENTS] }));
    expect(again.body.equals(first.body)).toBe(true);
    expect(again.objectName).toBe(first.objectName);
  });

  it("gives the bytes zlib's default pieces give, whatever the size (names planned before stay)", async () => {
    for (const size of [10, 100_000, 3_000_000]) {
      const input = Buffer.from(
        JSON.stringify(Array.from({ length: size / 10 }, (_, i) => ({ n: i, s: `e${i % 97}` }))),
      );
      const before = gzipSync(input, {
        level: GZIP_LEVEL,
        memLevel: 8,
        windowBits: 15,
        strategy: constants.Z_DEFAULT_STRATEGY,
      });
      before[9] = 3;
      expect((await deterministicGzip(input)).equals(before)).toBe(true);
      // Read in pieces (a scan chunk's events where they lie): the same bytes again.
      const cut = [0, 1, input.length >> 1, input.length - 1, input.length];
      const pieces = cut.slice(1).map((to, i) => input.subarray(cut[i], to));
      expect((await deterministicGzip(pieces)).equals(before)).toBe(true);
    }
  });

  it('gives a different key for different content', async () => {
    const first = await prepareOssBatch(batch());
    const changed = await prepareOssBatch(
      batch({ events: [EVENTS[0] ?? '', EVENTS[1]?.replace('e-2', 'e-3') ?? ''] }),
    );
    const reordered = await prepareOssBatch(batch({ events: [...EVENTS].reverse() }));
    expect(changed.objectName).not.toBe(first.objectName);
    expect(reordered.objectName).not.toBe(first.objectName);
  });

  it('refuses an empty batch and a non-OSS destination', async () => {
    await expect(prepareOssBatch(batch({ events: [] }))).rejects.toMatchObject({
      details: { code: 'EmptyBatch', retryable: false },
    });
    const sls = { kind: 'sls', project: 'p', logstore: 'l', region: 'r', accountId: 'a' } as const;
    await expect(prepareOssBatch(batch({ destination: sls }))).rejects.toMatchObject({
      details: { code: 'WrongDestination' },
    });
  });

  it('joins the stored texts into one JSON array, byte for byte', () => {
    const events = ['{"a":1}', '{"b":"☕ \\"q\\""}', '{}'];
    expect(ossJsonArray(events).toString('utf8')).toBe(`[${events.join(',')}]`);
    expect(ossJsonArray(['{"only":true}']).toString('utf8')).toBe('[{"only":true}]');
    expect(ossJsonArray([]).toString('utf8')).toBe('[]');
    // Non-ASCII takes up to 3 bytes per character: the buffer grows past its first guess.
    const wide = [`{"s":"${'☕é𝄞'.repeat(3_000)}"}`, '{"a":1}'];
    expect(ossJsonArray(wide).equals(Buffer.from(`[${wide.join(',')}]`, 'utf8'))).toBe(true);
  });
});
