import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevSls, startDevSls } from '../../dev/sls/dev-sls-server.js';
import type { BatchContent } from '../sink.js';
import { checkSlsProject, createSlsSink, type SlsSinkOptions } from './sls.sink.js';
import { getLogs } from './sls-api.js';
import { SlsClient } from './sls-client.js';

const KEYS = { accessKeyId: 'sls-ak', accessKeySecret: 'sls-secret' };
const E1 = '{"eventId":"e-1","eventTime":"2021-08-05T00:25:26Z","acsRegion":"cn-hangzhou"}';
const E2 = '{"eventId":"e-2","eventTime":"2021-08-05T00:27:01Z","acsRegion":"cn-hangzhou"}';

function content(events: string[], logstore = 'actiontrail_trail-test'): BatchContent {
  return {
    accountId: '1968132276290000',
    trailName: 'trail-test',
    region: 'cn-hangzhou',
    destination: {
      kind: 'sls',
      project: 'audit-project',
      logstore,
      region: 'cn-hangzhou',
      accountId: '1968132276290000',
    },
    bucketStart: 0,
    firstSeq: 1,
    lastSeq: 1,
    events,
  };
}

let dev: DevSls;
let client: SlsClient;
beforeAll(async () => {
  dev = await startDevSls({ dataDir: mkdtempSync(path.join(tmpdir(), 'dev-sls-')), ...KEYS });
  client = new SlsClient({ endpoint: dev.url, ...KEYS });
});
afterAll(async () => {
  client.close();
  await dev.close();
});

function sink(options: Partial<SlsSinkOptions> = {}) {
  return createSlsSink({
    endpoint: dev.url,
    ...KEYS,
    compression: 'lz4',
    logTime: 'event',
    logstoreTtlDays: 3650,
    ...options,
  });
}

const allLogs = (logstore: string) =>
  getLogs(client, 'audit-project', logstore, { from: 0, to: 2 ** 31 });

describe('SLS sink: prepare', () => {
  it('is deterministic, and names the batch by project, logstore, region and body MD5', async () => {
    const a = await sink().prepare(content([E1, E2]));
    const b = await sink().prepare(content([E1, E2]));
    expect(b.body.equals(a.body)).toBe(true);
    expect(b.objectName).toBe(a.objectName);
    const md5 = createHash('md5').update(a.body).digest('hex');
    expect(a.objectName).toBe(`audit-project/actiontrail_trail-test/cn-hangzhou/${md5}`);
    expect(a.count).toBe(2);
    const other = await sink().prepare(content([E2, E1]));
    expect(other.objectName).not.toBe(a.objectName);
  });

  it('refuses batches PutLogs cannot take, and the wrong destination', async () => {
    await expect(sink().prepare(content(Array(4097).fill(E1)))).rejects.toMatchObject({
      details: { code: 'PostBodyTooLarge', retryable: false },
    });
    const big = `{"eventTime":"2021-08-05T00:25:26Z","x":"${'y'.repeat(3 * 1024 * 1024)}"}`;
    await expect(sink().prepare(content([big]))).rejects.toMatchObject({
      details: { code: 'PostBodyTooLarge', retryable: false },
    });
    const oss = {
      ...content([E1]),
      destination: { kind: 'oss' as const, bucket: 'b', prefix: '' },
    };
    await expect(sink().prepare(oss)).rejects.toMatchObject({
      details: { code: 'WrongDestination' },
    });
    await expect(sink().prepare(content([]))).rejects.toMatchObject({
      details: { code: 'EmptyBatch' },
    });
    await expect(sink().prepare(content([E1], '../x'))).rejects.toMatchObject({
      details: { code: 'InvalidPath', retryable: false },
    });
  });
});

describe('SLS sink: deliver to dev sls', () => {
  it('creates the logstore, then writes one log per event at its eventTime', async () => {
    const s = sink();
    const batch = await s.prepare(content([E1, E2], 'actiontrail_first'));
    const ack = await s.deliver(batch);
    expect(ack).toEqual({ objectName: batch.objectName, bytes: batch.body.length, count: 2 });
    const logs = await allLogs('actiontrail_first');
    expect(logs).toEqual([
      { __time__: 1628123126, __topic__: 'actiontrail_audit_event', __source__: '', event: E1 },
      { __time__: 1628123221, __topic__: 'actiontrail_audit_event', __source__: '', event: E2 },
    ]);
    await s.close();
  });

  it('logTime delivery stamps the delivery time but keeps prepare deterministic', async () => {
    const at = Math.floor(Date.now() / 1000) * 1000;
    const s = sink({ logTime: 'delivery', now: () => at, compression: 'deflate' });
    const batch = await s.prepare(content([E1], 'actiontrail_now'));
    expect(
      (
        await sink({
          logTime: 'delivery',
          compression: 'deflate',
          now: () => at + 60_000,
        }).prepare(content([E1], 'actiontrail_now'))
      ).objectName,
    ).toBe(batch.objectName);
    await s.deliver(batch);
    const logs = await allLogs('actiontrail_now');
    expect(logs.map((l) => l.__time__)).toEqual([at / 1000]);
    expect(logs[0]?.event).toBe(E1);
    await s.close();
  });

  it('uses a logstore that already exists and adds its missing index', async () => {
    await client.request({
      method: 'POST',
      project: 'audit-project',
      path: '/logstores',
      body: Buffer.from(JSON.stringify({ logstoreName: 'actiontrail_pre', ttl: 7, shardCount: 1 })),
    });
    const s = sink({ compression: 'none' });
    await s.deliver(await s.prepare(content([E1], 'actiontrail_pre')));
    const store = await client.requestJson<{ ttl: number }>({
      method: 'GET',
      project: 'audit-project',
      path: '/logstores/actiontrail_pre',
    });
    expect(store?.ttl).toBe(7);
    const index = await client.requestJson<{ keys: { event: { type: string } } }>({
      method: 'GET',
      project: 'audit-project',
      path: '/logstores/actiontrail_pre/index',
    });
    expect(index?.keys.event.type).toBe('json');
    expect(await allLogs('actiontrail_pre')).toHaveLength(1);
    await s.close();
  });

  it('signs and sends the STS token with temporary credentials', async () => {
    const sts = await startDevSls({
      dataDir: mkdtempSync(path.join(tmpdir(), 'dev-sls-')),
      ...KEYS,
      securityToken: 'CAIS-token',
    });
    try {
      const without = sink({ endpoint: sts.url });
      await expect(without.deliver(await without.prepare(content([E1])))).rejects.toMatchObject({
        details: { code: 'Unauthorized', retryable: false },
      });
      await without.close();
      const s = sink({ endpoint: sts.url, securityToken: 'CAIS-token' });
      await expect(s.deliver(await s.prepare(content([E1])))).resolves.toMatchObject({ count: 1 });
      await s.close();
    } finally {
      await sts.close();
    }
  });

  it('an aborted delivery fails retryably and writes nothing', async () => {
    const s = sink();
    const batch = await s.prepare(content([E1], 'actiontrail_abort'));
    const controller = new AbortController();
    controller.abort();
    await expect(s.deliver(batch, controller.signal)).rejects.toMatchObject({
      details: { code: 'Aborted', retryable: true },
    });
    expect(await allLogs('actiontrail_abort')).toEqual([]);
    await s.close();
  });
});

describe('checkSlsProject (doctor)', () => {
  const options = (secret: string): SlsSinkOptions => ({
    endpoint: dev.url,
    accessKeyId: KEYS.accessKeyId,
    accessKeySecret: secret,
    compression: 'lz4',
    logTime: 'event',
    logstoreTtlDays: 3650,
  });

  it('reports accepted credentials, and the SLS code for rejected ones', async () => {
    await expect(
      checkSlsProject(options(KEYS.accessKeySecret), 'audit-project', 'cn-hangzhou'),
    ).resolves.toBe(`project audit-project (cn-hangzhou) at ${dev.url}: credentials accepted`);
    await expect(
      checkSlsProject(options('wrong'), 'audit-project', 'cn-hangzhou'),
    ).rejects.toMatchObject({ details: { code: 'SignatureNotMatch', retryable: false } });
  });
});
