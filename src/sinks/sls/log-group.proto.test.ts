import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alicloudLogClient, loopbackAgent } from '../../../test/helpers/alicloud-log.js';
import { decodeLogGroup, encodeLogGroup } from './log-group.proto.js';
import { encodeEvents, slsRawSize } from './sls-log-group.js';

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
});
