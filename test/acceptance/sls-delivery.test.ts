import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchContent } from '../../src/sinks/sink.js';
import { createSlsSink, type SlsSinkOptions } from '../../src/sinks/sls/sls.sink.js';
import { getLogs } from '../../src/sinks/sls/sls-api.js';
import { SlsClient } from '../../src/sinks/sls/sls-client.js';
import type { SlsCompression } from '../../src/sinks/sls/sls-compression.js';
import { type DevSlsProcess, startDevSlsProcess } from '../helpers/dev-sls-process.js';

// Our SLS client against `opentrail dev sls` running as its own process, as a user runs it.
const KEYS = { accessKeyId: 'dev-ak', accessKeySecret: 'dev-secret' };
const EVENTS = [
  '{"eventId":"e-1","eventName":"ConsoleSignin","eventTime":"2021-08-05T00:25:26Z","acsRegion":"cn-hangzhou"}',
  '{"eventId":"e-2","eventName":"CreateTrail","eventTime":"2021-08-05T00:27:01Z","acsRegion":"cn-hangzhou"}',
  '{"eventId":"e-3","eventName":"DescribeRegions","eventTime":"2021-09-01T10:00:00Z","acsRegion":"cn-hangzhou","note":"ünïcødé"}',
];

function batch(logstore: string, project = 'audit'): BatchContent {
  return {
    accountId: '1968132276290000',
    trailName: logstore.replace(/^actiontrail_/, ''),
    region: 'cn-hangzhou',
    destination: {
      kind: 'sls',
      project,
      logstore,
      region: 'cn-hangzhou',
      accountId: '1968132276290000',
    },
    bucketStart: 0,
    firstSeq: 1,
    lastSeq: 1,
    events: EVENTS,
  };
}

function sinkFor(server: DevSlsProcess, options: Partial<SlsSinkOptions> = {}) {
  return createSlsSink({
    endpoint: server.url,
    ...KEYS,
    compression: 'lz4',
    logTime: 'event',
    logstoreTtlDays: 3650,
    ...options,
  });
}

async function deliver(
  server: DevSlsProcess,
  content: BatchContent,
  options: Partial<SlsSinkOptions> = {},
) {
  const sink = sinkFor(server, options);
  try {
    const prepared = await sink.prepare(content);
    return await sink.deliver(prepared);
  } finally {
    await sink.close();
  }
}

async function failure(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    return e as {
      message: string;
      details: { code: string; retryable: boolean; retryAfterMs?: number };
    };
  }
  throw new Error('expected a failure');
}

const servers: Record<string, DevSlsProcess> = {};
const FAULTS = ['5xx', 'quota', 'slow', 'drop'] as const;

beforeAll(async () => {
  const started = await Promise.all([
    startDevSlsProcess(['--projects', 'audit']),
    startDevSlsProcess(['--max-log-age-days', '30']),
    ...FAULTS.map((f) =>
      startDevSlsProcess(['--fault', f, '--fault-count', '1', '--slow-ms', '600000']),
    ),
  ]);
  servers.plain = started[0] as DevSlsProcess;
  servers.strict = started[1] as DevSlsProcess;
  FAULTS.forEach((f, i) => {
    servers[f] = started[i + 2] as DevSlsProcess;
  });
});
afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.stop()));
});

describe('SLS sink → opentrail dev sls (separate process)', () => {
  it.each(['lz4', 'deflate', 'none'] as SlsCompression[])(
    '%s: creates logstore and index, stores one log per event with topic, event and time',
    async (compression) => {
      const server = servers.plain as DevSlsProcess;
      const logstore = `actiontrail_${compression}`;
      const ack = await deliver(server, batch(logstore), { compression });
      expect(ack.count).toBe(3);

      const client = new SlsClient({ endpoint: server.url, ...KEYS });
      try {
        const store = await client.requestJson<{ ttl: number; shardCount: number }>({
          method: 'GET',
          project: 'audit',
          path: `/logstores/${logstore}`,
        });
        expect(store).toMatchObject({ logstoreName: logstore, ttl: 3650, shardCount: 2 });
        const index = await client.requestJson<{ keys: Record<string, { type: string }> }>({
          method: 'GET',
          project: 'audit',
          path: `/logstores/${logstore}/index`,
        });
        expect(index?.keys.__topic__?.type).toBe('text');
        expect(index?.keys.event?.type).toBe('json');

        const logs = await getLogs(client, 'audit', logstore, { from: 0, to: 2 ** 31 });
        expect(logs).toEqual(
          EVENTS.map((event) => ({
            __time__: Math.floor(Date.parse(JSON.parse(event).eventTime) / 1000),
            __topic__: 'actiontrail_audit_event',
            __source__: '',
            event,
          })),
        );
        const signins = await getLogs(client, 'audit', logstore, {
          from: 0,
          to: 2 ** 31,
          query: 'event.eventName: ConsoleSignin',
        });
        expect(signins.map((l) => l.event)).toEqual([EVENTS[0]]);
      } finally {
        client.close();
      }
      expect(existsSync(path.join(server.dataDir, 'audit', logstore, 'logs.ndjson'))).toBe(true);
    },
  );

  it('a wrong secret fails fast with SignatureNotMatch', async () => {
    const e = await failure(
      deliver(servers.plain as DevSlsProcess, batch('actiontrail_secret'), {
        accessKeySecret: 'wrong-secret',
      }),
    );
    expect(e.details).toMatchObject({ code: 'SignatureNotMatch', retryable: false });
  });

  it('old logs refused with InvalidTimestamp fail fast; logTime delivery gets them in', async () => {
    const server = servers.strict as DevSlsProcess;
    const e = await failure(deliver(server, batch('actiontrail_old')));
    expect(e.details).toMatchObject({ code: 'InvalidTimestamp', retryable: false });
    const before = Math.floor(Date.now() / 1000);
    await deliver(server, batch('actiontrail_old'), { logTime: 'delivery' });
    const client = new SlsClient({ endpoint: server.url, ...KEYS });
    const logs = await getLogs(client, 'audit', 'actiontrail_old', { from: 0, to: 2 ** 31 });
    client.close();
    expect(logs.map((l) => l.event)).toEqual(EVENTS);
    for (const l of logs) expect(Number(l.__time__)).toBeGreaterThanOrEqual(before);
  });

  it('a missing project fails fast with ProjectNotExist', async () => {
    const e = await failure(
      deliver(servers.plain as DevSlsProcess, batch('actiontrail_x', 'no-such-project')),
    );
    expect(e.details).toMatchObject({ code: 'ProjectNotExist', retryable: false });
  });

  it.each([
    ['5xx', { code: 'InternalServerError', retryable: true }],
    ['quota', { code: 'WriteQuotaExceed', retryable: true, retryAfterMs: 1000 }],
    ['slow', { code: 'RequestTimeout', retryable: true }],
    ['drop', { code: 'ECONNRESET', retryable: true }],
  ] as const)('--fault %s is retryable, and the retry delivers once', async (fault, expected) => {
    const server = servers[fault] as DevSlsProcess;
    // Only `slow` needs a short client timeout; the server holds its answer for 10 minutes.
    const sink = sinkFor(server, fault === 'slow' ? { timeoutMs: 5000 } : {});
    try {
      const prepared = await sink.prepare(batch('actiontrail_faults'));
      const e = await failure(sink.deliver(prepared));
      expect(e.details).toMatchObject(expected);
      await sink.deliver(prepared);
    } finally {
      await sink.close();
    }
    const client = new SlsClient({ endpoint: server.url, ...KEYS });
    const logs = await getLogs(client, 'audit', 'actiontrail_faults', { from: 0, to: 2 ** 31 });
    client.close();
    expect(logs.map((l) => l.event)).toEqual(EVENTS);
  });
});
