import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { insertEvents } from '../../src/db/repositories/events.repository.js';
import type { NewAccessKey } from '../../src/domain/accounts/access-keys.js';
import { createDeliveryEngine } from '../../src/jobs/create-delivery-engine.js';
import type { DeliveryEngine } from '../../src/jobs/engine/delivery-engine.js';
import { waitForJobEnd } from '../helpers/delivery-jobs.js';
import { type S3Fault, type S3FaultProxy, startS3FaultProxy } from '../helpers/s3-fault-proxy.js';
import { type RunningS3rver, startS3rver } from '../helpers/s3rver.js';
import { call } from '../helpers/sdk-clients.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Issue #16 [H] 3, OSS: history jobs and live delivery of OSS trails through s3rver behind a
 * fault-injecting proxy (5xx storms, OSS's quota answers, resets, a receiver that never answers,
 * a slow one, one that is down, a refusal). Each job finishes or fails with its reason recorded,
 * and the bucket holds every event exactly once: a batch's key is fixed by its content, so a
 * re-sent batch overwrites its first copy.
 */
const BUCKET = 'fault-bucket';
const EVENTS = 150;
/** The sink's request timeout here (OPENTRAIL_OSS_REQUEST_TIMEOUT_MS): a faulted answer waits longer. */
const TIMEOUT_MS = 2_000;
const DAY = 86_400_000;

let s3: RunningS3rver;
let proxy: S3FaultProxy;
let t: TestApp;
let target: { url: string; host: string };
const engines: DeliveryEngine[] = [];

beforeAll(async () => {
  s3 = await startS3rver([BUCKET]);
  proxy = await startS3FaultProxy(s3.url);
  t = await startTestApp({
    env: {
      OPENTRAIL_REGIONS: 'cn-hangzhou',
      OPENTRAIL_OSS_ENDPOINT: proxy.url,
      OPENTRAIL_OSS_ACCESS_KEY_ID: 'S3RVER',
      OPENTRAIL_OSS_ACCESS_KEY_SECRET: 'S3RVER',
      OPENTRAIL_OSS_FORCE_PATH_STYLE: 'true',
      OPENTRAIL_OSS_REQUEST_TIMEOUT_MS: String(TIMEOUT_MS),
      OPENTRAIL_DELIVERY_HISTORY_TO_OSS: 'true',
    },
  });
  target = { url: t.url, host: t.host };
  // Creating a PostgreSQL test database on a busy machine may take a while.
}, 60_000);
afterEach(async () => {
  for (const e of engines.splice(0)) await e.stop();
  proxy.heal();
  await proxy.up();
});
afterAll(async () => {
  await t?.close();
  await proxy?.close();
  await s3?.close();
});

/**
 * A delivery node of the test app's database with small chunks (2 batches each, 2 in flight) and
 * a failure budget no scenario here should spend. The engine's own backoff (0.5 s doubling, full
 * jitter) is left as it is: it is part of what the user waits for.
 */
function startEngine(): DeliveryEngine {
  const config = t.services.config;
  const engine = createDeliveryEngine({
    config: {
      ...config,
      delivery: {
        ...config.delivery,
        workers: 1,
        chunkSize: 30,
        inFlight: 2,
        maxFailures: 20,
        pollMs: 50,
        liveFlushMs: 100,
      },
    },
    handle: t.handle,
    clock: t.services.clock,
    logger: t.services.logger,
  });
  engine.start();
  engines.push(engine);
  return engine;
}

interface Scenario {
  key: NewAccessKey;
  prefix: string;
  ids: string[];
}

/**
 * A fresh account (so no other scenario's events or trails mix in) with an OSS trail writing
 * under `prefix`, and its EVENTS events of the last day, 20 s apart (15 per 5-minute object).
 */
async function scenario(prefix: string): Promise<Scenario> {
  const key = await t.newKey({ newAccount: true });
  await call('openapi V3', target, key, 'CreateTrail', {
    Name: `${prefix}-trail`,
    OssBucketName: BUCKET,
    OssKeyPrefix: prefix,
  });
  return { key, prefix, ids: Array.from({ length: EVENTS }, (_, i) => `${prefix}-${i}`) };
}

async function storeEvents(s: Scenario): Promise<void> {
  const now = Date.now() - DAY;
  await insertEvents(
    t.handle.db,
    s.key.accountId,
    s.ids.map((eventId, i) => ({
      eventId,
      eventName: 'PutObject',
      serviceName: 'Oss',
      acsRegion: 'cn-hangzhou',
      eventTime: new Date(Math.floor((now - i * 20_000) / 1000) * 1000)
        .toISOString()
        .replace('.000Z', 'Z'),
    })),
  );
}

/** A scenario whose events are stored, its history job created on a started engine. */
async function historyJob(prefix: string): Promise<{ s: Scenario; jobId: unknown }> {
  const s = await scenario(prefix);
  await storeEvents(s);
  startEngine();
  const { JobId } = await api(s, 'CreateDeliveryHistoryJob', { TrailName: `${prefix}-trail` });
  return { s, jobId: JobId };
}

const api = (s: Scenario, action: string, params: Record<string, unknown>) =>
  call('openapi V3', target, s.key, action, params);

/** Event ids of the scenario in the bucket, read back from every object, duplicates kept. */
async function delivered(s: Scenario): Promise<string[]> {
  const objects = await s3.objects(BUCKET, `${s.prefix}/`);
  return [...objects.values()].flatMap((body) =>
    (JSON.parse(gunzipSync(body).toString('utf8')) as Array<{ eventId: string }>)
      .map((e) => e.eventId)
      .filter((id) => id.startsWith(`${s.prefix}-`)),
  );
}

/** What a user would count in the bucket: every event once, nothing else. */
async function expectEveryEventOnce(s: Scenario, started: number, failures: string[] = []) {
  const ids = await delivered(s);
  const unique = new Set(ids);
  if (process.env.CAMPAIGN === '1') {
    // The campaign's figures (npm run campaign:faults).
    const lost = s.ids.filter((id) => !unique.has(id)).length;
    console.log(
      `faults: OSS ${s.prefix}: events ${s.ids.length}, lost ${lost}, duplicates ${ids.length - unique.size}, ${Date.now() - started} ms, failed attempts [${failures.join(' ')}]`,
    );
  }
  expect([...unique].sort()).toEqual([...s.ids].sort());
  expect(ids.length - unique.size).toBe(0);
}

async function failuresOf(s: Scenario, jobId: unknown) {
  const out = await api(s, 'ListDeliveryHistoryJobFailures', { JobId: jobId, PageSize: 50 });
  return out.Failures as Array<{ ErrorCode: string; Attempts: number; ErrorMessage: string }>;
}

const xmlError = (status: number, code: string): S3Fault => ({ kind: 'error', status, code });

describe('an OSS history job through sink faults', () => {
  // [name, fault, PutObject requests faulted, the error code the failure list shows]
  const cases: Array<[string, S3Fault, number, RegExp]> = [
    ['oss-5xx-storm', xmlError(500, 'InternalError'), 6, /^InternalError$/],
    ['oss-slow-down', xmlError(503, 'SlowDown'), 4, /^SlowDown$/],
    // OSS's own throttling answers (its "HTTP status code 503" page): account QPS and bandwidth.
    ['oss-qps-quota', xmlError(503, 'TotalQpsLimitExceeded'), 4, /^TotalQpsLimitExceeded$/],
    [
      'oss-bandwidth-quota',
      xmlError(503, 'UploadTrafficRateLimitExceeded'),
      2,
      /RateLimitExceeded$/,
    ],
    ['oss-reset', { kind: 'reset' }, 3, /^(ECONNRESET|EPIPE)$/],
    // Stored, then the connection dropped: the retry must overwrite, not add a copy.
    ['oss-reset-after-store', { kind: 'reset', afterStore: true }, 3, /^ECONNRESET$/],
    // The store takes the object but never answers in time (30 s ≫ the 2 s timeout).
    ['oss-no-answer', { kind: 'delay', ms: 30_000 }, 2, /^(ETIMEDOUT|TimeoutError)$/],
    // An error answer whose body stops half-way: the timeout covers the answer's body too.
    ['oss-stalled-answer', { kind: 'stall' }, 2, /^TimeoutError$/],
  ];

  it.each(cases)(
    '%s: the job completes with every event exactly once',
    async (prefix, fault, count, code) => {
      const faultedBefore = proxy.stats.faulted;
      proxy.inject(fault, { count });
      const started = Date.now();
      const { s, jobId: JobId } = await historyJob(prefix);
      const job = await waitForJobEnd(target, s.key, JobId, 40_000);
      expect(job.JobStatus).toBe(2);
      // The faults did happen, and the failure list says what the store answered.
      expect(proxy.stats.faulted - faultedBefore).toBe(count);
      const failures = await failuresOf(s, JobId);
      expect(failures.length).toBeGreaterThan(0);
      for (const f of failures) expect(f.ErrorCode).toMatch(code);
      await expectEveryEventOnce(
        s,
        started,
        failures.map((f) => f.ErrorCode),
      );
    },
    60_000,
  );

  it('a slow receiver (every answer 200 ms late, under the timeout): no failure at all', async () => {
    proxy.inject({ kind: 'delay', ms: 200 }, { count: Number.POSITIVE_INFINITY });
    const started = Date.now();
    const { s, jobId: JobId } = await historyJob('oss-slow');
    expect((await waitForJobEnd(target, s.key, JobId, 40_000)).JobStatus).toBe(2);
    expect(await failuresOf(s, JobId)).toEqual([]);
    await expectEveryEventOnce(s, started);
  }, 60_000);

  it('a refusal (403 AccessDenied) fails the region at once, the reason in the failure list', async () => {
    proxy.inject(xmlError(403, 'AccessDenied'), { count: Number.POSITIVE_INFINITY });
    const { s, jobId: JobId } = await historyJob('oss-denied');
    const job = await waitForJobEnd(target, s.key, JobId, 20_000);
    expect([job.JobStatus, job.State]).toEqual([3, 'Failed']);
    expect(job.Status).toMatchObject([
      { Region: 'cn-hangzhou', Status: 3, ErrorCode: 'AccessDenied' },
    ]);
    const failures = await failuresOf(s, JobId);
    expect(failures).toEqual([
      expect.objectContaining({ ErrorCode: 'AccessDenied', Attempts: 1, Destination: 'oss' }),
    ]);
    expect(failures[0]?.ErrorMessage).toContain('AccessDenied');
    expect(await delivered(s)).toEqual([]);
  }, 30_000);

  it('a receiver down (connection refused) for 4 s: the job waits, then completes', async () => {
    const s = await scenario('oss-down'); // CreateTrail looks the bucket up while the store is up
    await storeEvents(s);
    await proxy.down();
    const started = Date.now();
    startEngine();
    const { JobId } = await api(s, 'CreateDeliveryHistoryJob', { TrailName: 'oss-down-trail' });
    await new Promise((r) => setTimeout(r, 4_000));
    const during = await api(s, 'GetDeliveryHistoryJob', { JobId });
    expect(during.JobStatus).toBe(1); // still trying, not failed
    const failures = await failuresOf(s, JobId);
    expect(failures.length).toBeGreaterThan(0);
    for (const f of failures) expect(f.ErrorCode).toBe('ECONNREFUSED');
    expect(await delivered(s)).toEqual([]);
    await proxy.up();
    expect((await waitForJobEnd(target, s.key, JobId, 40_000)).JobStatus).toBe(2);
    const all = await failuresOf(s, JobId);
    await expectEveryEventOnce(
      s,
      started,
      all.map((f) => f.ErrorCode),
    );
  }, 60_000);
});

describe('live OSS delivery through a 5xx storm', () => {
  it('GetTrailStatus shows the error during the storm and clears it after; every event once', async () => {
    const s = await scenario('oss-live');
    const status = () => api(s, 'GetTrailStatus', { Name: 'oss-live-trail' });
    proxy.inject(xmlError(500, 'InternalError'), { count: Number.POSITIVE_INFINITY });
    await api(s, 'StartLogging', { Name: 'oss-live-trail' });
    // Live delivery sends what is stored after StartLogging.
    await storeEvents(s);
    const started = Date.now();
    startEngine();
    let during: Record<string, unknown> = {};
    for (let i = 0; i < 150 && !during.LatestDeliveryError; i++) {
      await new Promise((r) => setTimeout(r, 100));
      during = await status();
    }
    expect(during).toMatchObject({
      IsLogging: true,
      LatestDeliveryError: expect.stringMatching(/^InternalError: /),
    });
    expect(await delivered(s)).toEqual([]);

    proxy.heal();
    let ids: string[] = [];
    for (let i = 0; i < 300 && ids.length < EVENTS; i++) {
      await new Promise((r) => setTimeout(r, 100));
      ids = await delivered(s);
    }
    await expectEveryEventOnce(s, started);
    let after: Record<string, unknown> = {};
    for (let i = 0; i < 50; i++) {
      after = await status();
      if (after.LatestDeliveryError === '') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(after).toMatchObject({ LatestDeliveryError: '', OssBucketStatus: true });
    // Its stream would otherwise keep delivering (and consume faults) in later tests.
    await api(s, 'StopLogging', { Name: 'oss-live-trail' });
  }, 60_000);
});
