import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningS3rver, startS3rver } from '../../test/helpers/s3rver.js';
import { loadConfig } from '../config/load-config.js';
import { type DevSls, startDevSls } from '../dev/sls/dev-sls-server.js';
import { createSink, sinkOptionsFromConfig } from './create-sink.js';
import type { BatchContent } from './sink.js';
import { getLogs } from './sls/sls-api.js';
import { SlsClient } from './sls/sls-client.js';

const KEYS = { accessKeyId: 'ak', accessKeySecret: 'sk' };
const EVENT = '{"eventId":"e-1","eventTime":"2021-08-05T00:25:26Z","acsRegion":"cn-hangzhou"}';
const base = {
  accountId: '1',
  trailName: 'trail-test',
  region: 'cn-hangzhou',
  bucketStart: Date.UTC(2021, 7, 5, 0, 25),
  firstSeq: 1,
  lastSeq: 1,
  events: [EVENT],
};
const slsBatch: BatchContent = {
  ...base,
  destination: {
    kind: 'sls',
    project: 'audit',
    logstore: 'actiontrail_trail-test',
    region: 'cn-hangzhou',
    accountId: '1',
  },
};
const ossBatch: BatchContent = { ...base, destination: { kind: 'oss', bucket: 'b', prefix: '' } };

let dev: DevSls;
let s3: RunningS3rver;
beforeAll(async () => {
  dev = await startDevSls({ dataDir: mkdtempSync(path.join(tmpdir(), 'dev-sls-')), ...KEYS });
  s3 = await startS3rver(['b']);
});
afterAll(async () => {
  await dev.close();
  await s3.close();
});

function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => path.relative(dir, path.join(d.parentPath, d.name)));
  } catch {
    return [];
  }
}

describe('createSink', () => {
  it('without SLS keys, SLS destinations are files in the SLS layout', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'delivery-'));
    const config = loadConfig({ env: { OPENTRAIL_DELIVERY_ROOT: root } });
    const sink = createSink(sinkOptionsFromConfig(config));
    expect(sink.kind).toBe('file');
    await sink.deliver(await sink.prepare(slsBatch));
    expect(filesUnder(path.join(root, 'sls'))).toHaveLength(1);
  });

  it('with SLS keys, SLS destinations go to Log Service and OSS ones still to files', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'delivery-'));
    const config = loadConfig({
      env: {
        OPENTRAIL_DELIVERY_ROOT: root,
        OPENTRAIL_SLS_ENDPOINT: dev.url,
        OPENTRAIL_SLS_ACCESS_KEY_ID: KEYS.accessKeyId,
        OPENTRAIL_SLS_ACCESS_KEY_SECRET: KEYS.accessKeySecret,
      },
    });
    const sink = createSink(sinkOptionsFromConfig(config));
    expect(sink.kind).toBe('file+sls');
    await sink.deliver(await sink.prepare(slsBatch));
    await sink.deliver(await sink.prepare(ossBatch));
    expect(filesUnder(path.join(root, 'sls'))).toEqual([]);
    expect(filesUnder(path.join(root, 'oss'))).toHaveLength(1);
    const client = new SlsClient({ endpoint: dev.url, ...KEYS });
    const logs = await getLogs(client, 'audit', 'actiontrail_trail-test', { from: 0, to: 2 ** 31 });
    client.close();
    expect(logs.map((l) => l.event)).toEqual([EVENT]);
    await sink.close?.();
  });

  it('with an OSS endpoint and keys, OSS destinations go to the bucket and SLS ones still to files', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'delivery-'));
    const config = loadConfig({
      env: {
        OPENTRAIL_DELIVERY_ROOT: root,
        OPENTRAIL_OSS_ENDPOINT: s3.url,
        OPENTRAIL_OSS_ACCESS_KEY_ID: 'S3RVER',
        OPENTRAIL_OSS_ACCESS_KEY_SECRET: 'S3RVER',
        OPENTRAIL_OSS_FORCE_PATH_STYLE: 'true',
      },
    });
    const sink = createSink(sinkOptionsFromConfig(config));
    expect(sink.kind).toBe('file+s3');
    const ack = await sink.deliver(await sink.prepare(ossBatch));
    await sink.deliver(await sink.prepare(slsBatch));
    expect(filesUnder(path.join(root, 'oss'))).toEqual([]);
    expect(filesUnder(path.join(root, 'sls'))).toHaveLength(1);
    expect([...(await s3.objects('b')).keys()]).toEqual([ack.objectName]);
    await sink.close?.();
  });
});
