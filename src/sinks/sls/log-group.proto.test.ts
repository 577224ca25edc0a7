import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alicloudLogClient, loopbackAgent } from '../../../test/helpers/alicloud-log.js';
import { PackedChunk, SEPARATOR } from '../../lib/packed-chunk.js';
import { decodeLogGroup, encodeLogGroup, encodeOneContentLogGroup } from './log-group.proto.js';
import { encodeEvents, encodePackedEvents, slsRawSize } from './sls-log-group.js';

/** A server that keeps the body of each request and answers as SLS does (200, empty, no type). */
let server: http.Server;
let url: string;
const bodies: Buffer[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks));
      res.writeHead(200, { 'content-length': '0', 'x-log-requestid': 'R' }).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const EVENTS = [
  '{"eventId":"e-1","eventTime":"2021-08-05T00:25:26Z","acsRegion":"cn-hangzhou","n":"ünïcødé ✓"}',
  `{"eventId":"e-2","eventTime":"2021-08-05T00:27:01Z","big":"${'x'.repeat(300)}"}`,
];

/** What @alicloud/log itself sends for these logs (it sends the LogGroup uncompressed). */
async function sdkBytes(
  logs: Array<{ timestamp: number; content: Record<string, string> }>,
  extra = {},
) {
  const client = alicloudLogClient(url, 'ak', 'sk');
  bodies.length = 0;
  await client.postLogStoreLogs(
    'proj',
    'actiontrail_t',
    { logs, ...extra },
    { agent: loopbackAgent() },
  );
  return bodies[0] as Buffer;
}

describe('LogGroup protobuf', () => {
  it('our bytes equal @alicloud/log bytes for ActionTrail logs', async () => {
    const expected = await sdkBytes(
      [
        { timestamp: 1628123126, content: { event: EVENTS[0] as string } },
        { timestamp: 1628123221, content: { event: EVENTS[1] as string } },
      ],
      { topic: 'actiontrail_audit_event' },
    );
    const ours = encodeEvents(EVENTS, (i) => [1628123126, 1628123221][i] as number);
    expect(ours.toString('hex')).toBe(expected.toString('hex'));
  });

  it('equals @alicloud/log with several contents, a source and tags', async () => {
    const expected = await sdkBytes([{ timestamp: 1, content: { a: '1', b: '' } }], {
      topic: 't',
      source: '10.0.0.1',
      tags: [{ k1: 'v1' }, { k2: 'v2' }],
    });
    const ours = encodeLogGroup({
      logs: [
        {
          time: 1,
          contents: [
            ['a', '1'],
            ['b', ''],
          ],
        },
      ],
      topic: 't',
      source: '10.0.0.1',
      tags: [
        ['k1', 'v1'],
        ['k2', 'v2'],
      ],
    });
    expect(ours.equals(expected)).toBe(true);
    expect(decodeLogGroup(expected)).toEqual({
      logs: [
        {
          time: 1,
          contents: [
            ['a', '1'],
            ['b', ''],
          ],
        },
      ],
      topic: 't',
      source: '10.0.0.1',
      tags: [
        ['k1', 'v1'],
        ['k2', 'v2'],
      ],
    });
  });

  it('decodes the event text unchanged, byte for byte', () => {
    const group = decodeLogGroup(encodeEvents(EVENTS, () => 1628123126));
    expect(group.topic).toBe('actiontrail_audit_event');
    expect(group.logs.map((l) => l.contents)).toEqual(EVENTS.map((e) => [['event', e]]));
  });

  it('the size estimate never undercounts and is at most 4 bytes a log over', () => {
    const raw = encodeEvents(EVENTS, () => 1628123126);
    const estimate = slsRawSize(EVENTS);
    expect(estimate).toBeGreaterThanOrEqual(raw.length);
    expect(estimate - raw.length).toBeLessThanOrEqual(4 * EVENTS.length);
    expect(slsRawSize(EVENTS)).toBe(encodeEvents(EVENTS, () => 2 ** 32 - 1).length);
  });

  it('rejects bytes that are not a LogGroup', () => {
    expect(() => decodeLogGroup(Buffer.from([0x0a, 0x05, 0x12]))).toThrow();
  });

  it('writes one-content logs straight from bytes exactly as protobufjs encodes the group', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pieces = ['a', 'ü', '✓', '"', '\\', '😀', 'x'.repeat(200), ''];
    for (const count of [0, 1, 2, 17, 300]) {
      const values = Array.from({ length: count }, () =>
        Array.from(
          { length: Math.floor(random() * 40) },
          () => pieces[Math.floor(random() * 8)],
        ).join(''),
      );
      const times = Array.from(
        { length: count },
        (_, i) => [0, 127, 128, 16_383, 16_384, 2 ** 31, 2 ** 32 - 1][i % 7] as number,
      );
      for (const topic of [undefined, 'actiontrail_audit_event', '']) {
        const direct = encodeOneContentLogGroup(
          'event',
          {
            count,
            time: (i) => times[i] as number,
            value: (i) => Buffer.from(values[i] as string),
          },
          topic,
        );
        const reference = encodeLogGroup({
          logs: values.map((v, i) => ({ time: times[i] as number, contents: [['event', v]] })),
          ...(topic === undefined ? {} : { topic }),
        });
        expect(direct.equals(reference), `${count} logs, topic ${topic}`).toBe(true);
      }
    }
  });

  it('encodes a scan chunk’s events in place as it encodes their texts', () => {
    const texts = [...EVENTS, '{"eventId":"e-3"}', EVENTS[0] as string];
    const memory = new SharedArrayBuffer(1 << 20);
    const chunk = new PackedChunk(memory, 16, texts.length);
    let at = chunk.bytesAt;
    texts.forEach((t, i) => {
      at += chunk.bytes.write(t, at, 'utf8');
      chunk.ends[i] = at;
      chunk.bytes[at++] = SEPARATOR;
    });
    const range = { chunk, from: 1, to: 4 };
    const times = (i: number) => 1_628_123_126 + i;
    expect(encodePackedEvents(range, times).equals(encodeEvents(texts.slice(1, 4), times))).toBe(
      true,
    );
  });
});
