import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alicloudLogClient, loopbackAgent } from '../../../test/helpers/alicloud-log.js';
import { authorization } from '../../sinks/sls/sls-signature.js';
import { type DevSls, projectOf, startDevSls } from './dev-sls-server.js';

// The fake is checked against the official SDK, not only against our own client, so the two
// cannot share one mistake about the wire format.
const KEYS = { accessKeyId: 'dev-ak', accessKeySecret: 'dev-secret' };
const EVENT = '{"eventId":"e-1","eventName":"ConsoleSignin","eventTime":"2021-08-05T00:25:26Z"}';
const OTHER = '{"eventId":"e-2","eventName":"CreateTrail","eventTime":"2021-08-05T00:26:00Z"}';

let dev: DevSls;
let dataDir: string;
const agent = loopbackAgent();
beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'dev-sls-'));
  dev = await startDevSls({ dataDir, ...KEYS, projects: ['audit', 'other'] });
});
afterAll(async () => {
  agent.destroy();
  await dev.close();
});

describe('dev sls with @alicloud/log', () => {
  const sdk = () => alicloudLogClient(dev.url, KEYS.accessKeyId, KEYS.accessKeySecret);

  it('takes the SDK logstore creation, PutLogs and GetLogs', async () => {
    await sdk().createLogStore('audit', 'actiontrail_sdk', { ttl: 3650, shardCount: 2 }, { agent });
    expect(await sdk().getLogStore('audit', 'actiontrail_sdk', { agent })).toMatchObject({
      logstoreName: 'actiontrail_sdk',
      ttl: 3650,
      shardCount: 2,
    });
    // Answered 200 with an empty body and no Content-Type: the SDK resolves instead of throwing.
    await sdk().postLogStoreLogs(
      'audit',
      'actiontrail_sdk',
      {
        logs: [
          { timestamp: 1628123126, content: { event: EVENT } },
          { timestamp: 1628123160, content: { event: OTHER } },
        ],
        topic: 'actiontrail_audit_event',
        source: '10.0.0.1',
        tags: [{ via: 'sdk' }],
      },
      { agent },
    );
    const all = await sdk().getLogs(
      'audit',
      'actiontrail_sdk',
      new Date(1628123126000),
      new Date(1628123200000),
      {},
      { agent },
    );
    expect(all).toEqual([
      {
        __time__: 1628123126,
        __topic__: 'actiontrail_audit_event',
        __source__: '10.0.0.1',
        event: EVENT,
        '__tag__:via': 'sdk',
      },
      expect.objectContaining({ __time__: 1628123160, event: OTHER }),
    ]);
    const found = await sdk().getLogs(
      'audit',
      'actiontrail_sdk',
      new Date(0),
      new Date(2e12),
      { query: '__topic__: actiontrail_audit_event and event.eventName: ConsoleSignin' },
      { agent },
    );
    expect(found.map((l) => l.event)).toEqual([EVENT]);
    const file = path.join(dataDir, 'audit', 'actiontrail_sdk', 'logs.ndjson');
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
  });

  it('answers SLS error codes the SDK understands', async () => {
    const wrong = alicloudLogClient(dev.url, KEYS.accessKeyId, 'not-the-secret');
    await expect(wrong.getProject('audit', { agent })).rejects.toMatchObject({
      code: 'SignatureNotMatch',
    });
    const unknownKey = alicloudLogClient(dev.url, 'nobody', 'x');
    await expect(unknownKey.getProject('audit', { agent })).rejects.toMatchObject({
      code: 'Unauthorized',
    });
    await expect(sdk().getProject('missing', { agent })).rejects.toMatchObject({
      code: 'ProjectNotExist',
    });
    await expect(
      sdk().postLogStoreLogs('audit', 'actiontrail_none', { logs: [] }, { agent }),
    ).rejects.toMatchObject({ code: 'LogStoreNotExist' });
    await sdk().createLogStore('audit', 'actiontrail_twice', { ttl: 1, shardCount: 1 }, { agent });
    await expect(
      sdk().createLogStore('audit', 'actiontrail_twice', { ttl: 1, shardCount: 1 }, { agent }),
    ).rejects.toMatchObject({ code: 'LogStoreAlreadyExist' });
  });
});

describe('dev sls project and body checks', () => {
  it('reads the project from the Host label, else from x-opentrail-project', () => {
    expect(projectOf('audit.127.0.0.1:8080', undefined)).toBe('audit');
    expect(projectOf('audit.cn-hangzhou.log.aliyuncs.com', undefined)).toBe('audit');
    expect(projectOf('127.0.0.1:8080', 'fallback')).toBe('fallback');
    expect(projectOf('localhost:8080', 'fallback')).toBe('fallback');
    expect(projectOf('127.0.0.1:8080', undefined)).toBeUndefined();
  });

  it('refuses a body whose Content-MD5 is not its MD5', async () => {
    const body = Buffer.from('{"logstoreName":"actiontrail_md5"}');
    // Signed over a Content-MD5 of other bytes: the signature holds, the MD5 does not.
    const headers: Record<string, string> = {
      host: `audit.${new URL(dev.url).host}`,
      date: new Date().toUTCString(),
      'content-type': 'application/json',
      'content-md5': '00000000000000000000000000000000',
      'x-log-apiversion': '0.6.0',
      'x-log-signaturemethod': 'hmac-sha1',
    };
    headers.authorization = authorization(KEYS.accessKeyId, KEYS.accessKeySecret, {
      method: 'POST',
      headers,
      path: '/logstores',
    });
    const answer = await rawRequest(dev.url, '/logstores', headers, body);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ errorCode: 'InvalidContentMD5' });
  });
});

function rawRequest(
  base: string,
  requestPath: string,
  headers: Record<string, string>,
  body: Buffer,
): Promise<{ status: number; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { hostname: url.hostname, port: url.port, method: 'POST', path: requestPath, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
