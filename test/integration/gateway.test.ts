import { randomBytes } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildV1Request, buildV3Request, signV3Request } from '../../src/api/signature/index.js';
import { ManualClock } from '../../src/lib/clock.js';
import { type RawResponse, send } from '../helpers/raw-requests.js';
import { call, callExpectingError } from '../helpers/sdk-clients.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const VERSION = '2020-07-06';
const ERROR_KEYS = ['Code', 'HostId', 'Message', 'Recommend', 'RequestId'];

function expectError(res: RawResponse, status: number, code: string): void {
  expect({ status: res.status, code: res.body.Code }).toEqual({ status, code });
  expect(Object.keys(res.body).sort()).toEqual(ERROR_KEYS);
  expect(res.headers['x-acs-request-id']).toBe(res.body.RequestId);
  expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
}

describe('the RPC gateway (in-process app, real SQLite)', () => {
  let t: TestApp;
  const clock = new ManualClock(Date.UTC(2026, 10, 25, 12, 0, 0));

  beforeAll(async () => {
    t = await startTestApp({ clock });
  });
  afterAll(() => t.close());

  const v1 = (overrides: Partial<Parameters<typeof buildV1Request>[0]> = {}) =>
    buildV1Request({
      method: 'GET',
      action: 'ListDeliveryHistoryJobs',
      version: VERSION,
      accessKeyId: t.key.accessKeyId,
      accessKeySecret: t.key.accessKeySecret,
      nowMs: clock.now(),
      ...overrides,
    });
  const v3 = (overrides: Partial<Parameters<typeof buildV3Request>[0]> = {}) =>
    buildV3Request({
      method: 'POST',
      action: 'ListDeliveryHistoryJobs',
      version: VERSION,
      accessKeyId: t.key.accessKeyId,
      accessKeySecret: t.key.accessKeySecret,
      nowMs: clock.now(),
      ...overrides,
    });

  it('answers a signed request with RequestId and no Code', async () => {
    const res = await send(t.app, v1());
    expect(res.status).toBe(200);
    expect(res.body.Code).toBeUndefined();
    expect(res.headers['x-acs-request-id']).toBe(res.body.RequestId);
    expect(res.body.RequestId).toMatch(
      /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/,
    );
  });

  it('rejects another Version with 400 InvalidVersion', async () => {
    expectError(await send(t.app, v3({ version: '2017-12-04' })), 400, 'InvalidVersion');
  });

  it('tells an unknown Action (404) from a real one not built yet (400, named)', async () => {
    expectError(
      await send(t.app, v3({ action: 'DescribeInstances' })),
      404,
      'InvalidAction.NotFound',
    );
    const res = await send(t.app, v1({ action: 'GetInsightTypes' }));
    expectError(res, 400, 'UnsupportedOperation');
    expect(res.body.Message).toContain('GetInsightTypes');
  });

  it('names a missing signature parameter', async () => {
    const req = v1();
    const url = req.url.replace(/&SignatureNonce=[^&]+/, '');
    const res = await send(t.app, { ...req, url });
    expectError(res, 400, 'MissingParameter');
    expect(res.body.Message).toContain('"SignatureNonce"');
    const bare = await send(t.app, {
      method: 'GET',
      url: '/?Action=ListDeliveryHistoryJobs',
      headers: { host: 'x' },
      body: Buffer.alloc(0),
    });
    expectError(bare, 400, 'MissingParameter');
    expect(bare.body.Message).toContain('"AccessKeyId"');
  });

  it('rejects an unsigned x-acs header with IncompleteSignature', async () => {
    const req = v3();
    const res = await send(t.app, { ...req, headers: { ...req.headers, 'x-acs-extra': '1' } });
    expectError(res, 400, 'IncompleteSignature');
  });

  it('rejects a tampered V3 body hash and a wrong signature with SignatureDoesNotMatch', async () => {
    const req = v3({ form: { PageSize: '5' } });
    const tampered = { ...req, body: Buffer.from('PageSize=6') };
    expectError(await send(t.app, tampered), 400, 'SignatureDoesNotMatch');
    const wrong = v3({ accessKeySecret: 'nope' });
    const res = await send(t.app, wrong);
    expectError(res, 400, 'SignatureDoesNotMatch');
    expect(res.body.Message).toContain('server StringToSign is [ACS3-HMAC-SHA256\n');
  });

  it('checks the timestamp window and format', async () => {
    expectError(
      await send(t.app, v1({ nowMs: clock.now() - 16 * 60_000 })),
      400,
      'InvalidTimeStamp.Expired',
    );
    expectError(
      await send(t.app, v1({ nowMs: clock.now() + 16 * 60_000 })),
      400,
      'InvalidTimeStamp.Expired',
    );
    expect((await send(t.app, v1({ nowMs: clock.now() - 14 * 60_000 }))).status).toBe(200);
    const req = v3();
    const bad = signV3Request(
      { ...req, headers: { ...req.headers, 'x-acs-date': '25/11/2026 12:00' } },
      t.key,
    );
    expectError(await send(t.app, bad), 400, 'InvalidTimeStamp.Format');
  });

  it('remembers a nonce for the window, then lets it go', async () => {
    const nonce = randomBytes(8).toString('hex');
    expect((await send(t.app, v1({ nonce }))).status).toBe(200);
    expectError(await send(t.app, v3({ nonce })), 400, 'SignatureNonceUsed');
    clock.advance(16 * 60_000);
    expect((await send(t.app, v3({ nonce }))).status).toBe(200);
    expectError(await send(t.app, v1({ nonce })), 400, 'SignatureNonceUsed');
  });

  it('answers one of concurrent replays and records only that one', async () => {
    // The nonces of concurrent requests are checked in one group commit (event-writer.ts):
    // exactly one wins; a replay fails authentication, so it leaves no audit record.
    const nonce = randomBytes(8).toString('hex');
    const answers = await Promise.all([
      send(t.app, v1({ nonce, params: { PageSize: '5' } })),
      send(t.app, v3({ nonce, query: { PageSize: '5' } })),
      send(t.app, v1({ nonce, params: { PageSize: '10' } })),
    ]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 400, 400]);
    for (const r of answers.filter((a) => a.status !== 200)) {
      expectError(r, 400, 'SignatureNonceUsed');
    }
    // A replay whose Action would fail is refused as the replay, before the Action.
    expectError(
      await send(t.app, v1({ nonce, params: { PageSize: 'x' } })),
      400,
      'SignatureNonceUsed',
    );
    const ids = answers.map((r) => String(r.body.RequestId));
    const rows = await t.handle.db.selectFrom('events').select('event_json').execute();
    const recorded = rows
      .map((r) => (JSON.parse(r.event_json) as { requestId: string }).requestId)
      .filter((id) => ids.includes(id));
    expect(recorded).toEqual([String(answers.find((r) => r.status === 200)?.body.RequestId)]);
  });

  it('refuses a replayed Write Action before it runs; a Read one after its read, unaudited', async () => {
    // A Write Action's nonce is recorded before it runs: replayed after the trail was deleted,
    // CreateTrail is refused and makes no trail again.
    const nonce = randomBytes(8).toString('hex');
    const create = { Name: `replay-${nonce}`, OssBucketName: 'bucket-a' };
    const created = await send(t.app, v1({ nonce, action: 'CreateTrail', params: create }));
    expect(created.status).toBe(200);
    const deleted = await send(t.app, v1({ action: 'DeleteTrail', params: { Name: create.Name } }));
    expect(deleted.status).toBe(200);
    expectError(
      await send(t.app, v1({ nonce, action: 'CreateTrail', params: create })),
      400,
      'SignatureNonceUsed',
    );
    const trails = await send(
      t.app,
      v1({ action: 'DescribeTrails', params: { NameList: create.Name } }),
    );
    expect(trails.body.TrailList).toEqual([]);
    // A Read Action's nonce goes into the commit of its self-audit record: a replay is
    // refused the same way, whichever signature version, and recorded once.
    const readNonce = randomBytes(8).toString('hex');
    const first = await send(t.app, v3({ nonce: readNonce, action: 'DescribeTrails' }));
    expect(first.status).toBe(200);
    const replay = await send(t.app, v1({ nonce: readNonce, action: 'DescribeTrails' }));
    expectError(replay, 400, 'SignatureNonceUsed');
    const rows = await t.handle.db.selectFrom('events').select('event_json').execute();
    const requestIds = rows.map(
      (r) => (JSON.parse(r.event_json) as { requestId: string }).requestId,
    );
    expect(requestIds).toContain(String(first.body.RequestId));
    expect(requestIds).not.toContain(String(replay.body.RequestId));
    expect(requestIds.filter((id) => id === String(created.body.RequestId))).toHaveLength(1);
  });

  it('a failed request does not burn its nonce', async () => {
    const nonce = randomBytes(8).toString('hex');
    expectError(
      await send(t.app, v1({ nonce, accessKeySecret: 'bad' })),
      400,
      'SignatureDoesNotMatch',
    );
    expect((await send(t.app, v1({ nonce }))).status).toBe(200);
  });

  it('checks STS tokens: missing, malformed, foreign, on a long-term key, expired', async () => {
    const sts = await t.newKey({ sts: { ttlSeconds: 600 } });
    const other = await t.newKey({ sts: { ttlSeconds: 600 } });
    const key = { accessKeyId: sts.accessKeyId, accessKeySecret: sts.accessKeySecret };
    expect((await send(t.app, v3({ ...key, securityToken: sts.securityToken }))).status).toBe(200);
    expect((await send(t.app, v1({ ...key, securityToken: sts.securityToken }))).status).toBe(200);
    expectError(await send(t.app, v3(key)), 400, 'MissingSecurityToken');
    expectError(
      await send(t.app, v1({ ...key, securityToken: 'garbage' })),
      400,
      'InvalidSecurityToken.Malformed',
    );
    expectError(
      await send(t.app, v3({ ...key, securityToken: other.securityToken })),
      400,
      'InvalidSecurityToken.MismatchWithAccessKey',
    );
    expectError(
      await send(t.app, v1({ securityToken: sts.securityToken })),
      400,
      'InvalidSecurityToken.MismatchWithAccessKey',
    );
    clock.advance(601_000);
    expectError(
      await send(t.app, v3({ ...key, securityToken: sts.securityToken })),
      400,
      'InvalidSecurityToken.Expired',
    );
  });

  it('answers 413 for a body over the limit and 404 JSON for other paths', async () => {
    const big = v3({ form: { PageSize: 'x'.repeat(1_100_000) } });
    expectError(await send(t.app, big), 413, 'RequestEntityTooLarge');
    const res = await t.app.inject({ method: 'GET', url: '/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body).Code).toBe('InvalidAction.NotFound');
  });

  it('never answers 500 to garbage', async () => {
    const samples: InjectOptions[] = [
      { method: 'GET', url: '/?%E0%A4%A' },
      { method: 'GET', url: '/?AccessKeyId=%ZZ&Signature=%' },
      {
        method: 'POST',
        url: '/',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: '%%%&&==',
      },
      {
        method: 'POST',
        url: '/',
        headers: { 'content-type': 'application/json' },
        payload: '{"a":',
      },
      { method: 'POST', url: '/', headers: { authorization: 'ACS3-HMAC-SHA256 garbage' } },
      { method: 'POST', url: '/', headers: { authorization: 'ACS4-HMAC-SHA256 Credential=a/b/c' } },
      { method: 'POST', url: '/', headers: { authorization: 'Basic Zm9vOmJhcg==' } },
      { method: 'GET', url: `/?${'A'.repeat(5000)}=1` },
    ];
    for (let i = 0; i < 100; i++) {
      samples.push({
        method: 'POST',
        url: '/',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: randomBytes(64),
      });
    }
    for (const s of samples) {
      const res = await t.app.inject(s);
      expect(res.statusCode, JSON.stringify(s).slice(0, 200)).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(JSON.parse(res.body).Code).toEqual(expect.any(String));
    }
  });

  it('serves the SDKs over real HTTP (and they see InvalidVersion)', async () => {
    clock.set(Date.now());
    const body = await call(
      'pop-core GET',
      { url: t.url, host: t.host },
      t.key,
      'ListDeliveryHistoryJobs',
    );
    expect(body.TotalCount).toBe(0);
    const e = await callExpectingError(
      'openapi V3',
      { url: t.url, host: t.host },
      t.key,
      'ListDeliveryHistoryJobs',
      {},
      '2019-01-01',
    );
    expect([e.code, e.statusCode]).toEqual(['InvalidVersion', 400]);
  });
});
