import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningS3rver, S3RVER_KEYS, startS3rver } from '../../../test/helpers/s3rver.js';
import type { BatchContent } from '../sink.js';
import { isSinkError } from '../sink.js';
import { createS3Client, createS3Sink, lookUpBucket, signingRegion } from './s3.sink.js';

const E1 = '{"eventId":"e-1","eventTime":"2021-08-05T00:25:26Z","acsRegion":"cn-hangzhou"}';
const E2 = '{"eventId":"e-2","eventTime":"2021-08-05T00:27:01Z","acsRegion":"cn-hangzhou"}';

function content(events: string[], bucket = 'audit-bucket', prefix = 'actiontrail'): BatchContent {
  return {
    accountId: '1968132276290000',
    trailName: 'trail-test',
    region: 'cn-hangzhou',
    destination: { kind: 'oss', bucket, prefix },
    bucketStart: Date.UTC(2021, 7, 5, 0, 25),
    firstSeq: 1,
    lastSeq: 2,
    events,
  };
}

let s3: RunningS3rver;
beforeAll(async () => {
  s3 = await startS3rver(['audit-bucket']);
});
afterAll(async () => {
  await s3.close();
});

const options = (over: Partial<Parameters<typeof createS3Sink>[0]> = {}) => ({
  endpoint: s3.url,
  forcePathStyle: true,
  ...S3RVER_KEYS,
  ...over,
});

describe('S3 sink against s3rver', () => {
  it('writes one gzip JSON array under ActionTrail key, its name holding count, size and MD5', async () => {
    const sink = createS3Sink(options());
    const batch = await sink.prepare(content([E1, E2]));
    const ack = await sink.deliver(batch);
    await sink.close();

    const objects = await s3.objects('audit-bucket', 'actiontrail/');
    expect([...objects.keys()]).toEqual([ack.objectName]);
    const body = objects.get(ack.objectName) as Buffer;
    const md5 = createHash('md5').update(body).digest('hex');
    expect(ack.objectName).toBe(
      `actiontrail/AliyunLogs/Actiontrail/cn-hangzhou/2021/08/05/Actiontrail_cn-hangzhou_20210805002500_1002_2_${body.length}_${md5}.gz`,
    );
    expect(JSON.parse(gunzipSync(body).toString('utf8'))).toEqual([JSON.parse(E1), JSON.parse(E2)]);
  });

  it('a re-sent batch overwrites its first copy (same key, same bytes)', async () => {
    const sink = createS3Sink(options());
    const first = await sink.deliver(await sink.prepare(content([E2], 'audit-bucket', 'resend')));
    const again = await sink.deliver(await sink.prepare(content([E2], 'audit-bucket', 'resend')));
    await sink.close();
    expect(again.objectName).toBe(first.objectName);
    expect((await s3.objects('audit-bucket', 'resend/')).size).toBe(1);
  });

  it('a missing bucket fails at once with NoSuchBucket', async () => {
    const sink = createS3Sink(options());
    const err = await sink
      .deliver(await sink.prepare(content([E1], 'no-such-bucket')))
      .catch((e) => e);
    await sink.close();
    expect(isSinkError(err) && err.details).toMatchObject({
      code: 'NoSuchBucket',
      retryable: false,
    });
  });

  it('an unknown AccessKeyId fails with InvalidAccessKeyId and the secret is not in the message', async () => {
    const sink = createS3Sink(
      options({ accessKeyId: 'LTAI-unknown', accessKeySecret: 'top-secret' }),
    );
    const err = await sink.deliver(await sink.prepare(content([E1]))).catch((e) => e);
    await sink.close();
    expect(isSinkError(err) && err.details).toMatchObject({
      code: 'InvalidAccessKeyId',
      retryable: false,
    });
    expect(String(err.message)).not.toContain('top-secret');
  });

  it('an endpoint that does not answer is retryable', async () => {
    const sink = createS3Sink(options({ endpoint: 'http://127.0.0.1:1', timeoutMs: 2000 }));
    const err = await sink.deliver(await sink.prepare(content([E1]))).catch((e) => e);
    await sink.close();
    expect(isSinkError(err) && err.details.retryable).toBe(true);
  });

  // The SDK only warns past its requestTimeout unless told to throw, and stops timing at the
  // answer's headers: without both settings these requests waited for ever.
  it.each([
    ['never answers', (_res: http.ServerResponse) => {}],
    [
      'stops half-way through its answer',
      (res: http.ServerResponse) => {
        res.writeHead(500, { 'content-type': 'application/xml', 'content-length': 200 });
        res.write('<?xml version="1.0" encoding="UTF-8"?><Error><Code>Internal');
      },
    ],
  ])('a store that %s fails the attempt after timeoutMs, retryable', async (_name, answer) => {
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => answer(res));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const sink = createS3Sink(options({ endpoint: `http://127.0.0.1:${port}`, timeoutMs: 300 }));
    const started = Date.now();
    const err = await sink.deliver(await sink.prepare(content([E1]))).catch((e) => e);
    const took = Date.now() - started;
    await sink.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    expect(isSinkError(err) && err.details).toMatchObject({
      code: expect.stringMatching(/^(ETIMEDOUT|TimeoutError)$/),
      retryable: true,
    });
    expect(took).toBeLessThan(3_000);
  });

  it('looks a bucket up: its location when it exists, undefined when it does not', async () => {
    const o = options();
    const client = createS3Client(o);
    expect(await lookUpBucket(client, o, 'audit-bucket')).toEqual({ location: expect.any(String) });
    expect(await lookUpBucket(client, o, 'missing-bucket')).toBeUndefined();
    client.destroy();
  });
});

describe('signingRegion', () => {
  it('takes oss-<region> from an OSS S3 endpoint, else us-east-1, unless configured', () => {
    expect(signingRegion({ endpoint: 'https://s3.oss-cn-hangzhou.aliyuncs.com' })).toBe(
      'oss-cn-hangzhou',
    );
    expect(signingRegion({ endpoint: 'https://s3.oss-cn-beijing-internal.aliyuncs.com' })).toBe(
      'oss-cn-beijing',
    );
    expect(signingRegion({ endpoint: 'http://127.0.0.1:9000' })).toBe('us-east-1');
    expect(signingRegion({ endpoint: 'http://127.0.0.1:9000', region: 'eu-west-1' })).toBe(
      'eu-west-1',
    );
  });
});
