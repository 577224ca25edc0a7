import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIngestRequest, sendIngestRequest } from '../../src/api/ingest/ingest-client.js';
import { buildApp } from '../../src/app.js';
import { DEV_KEY } from '../../src/domain/emulator/dev-controls.js';
import { waitForJobEnd } from '../helpers/delivery-jobs.js';
import { callHook, callHookViaSdk, signedPost } from '../helpers/dev-hooks.js';
import { type ClientKey, call, callExpectingError } from '../helpers/sdk-clients.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const HOOKS = [
  'reset',
  'seed',
  'clock',
  'jobs/hold',
  'jobs/release',
  'jobs/fail',
  'faults',
  'faults/clear',
  'rate-limits',
];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** [F3] emulator mode: the /_opentrail hooks steer and break the service, as moto's do. */
describe('emulator-mode test hooks (serve --dev)', () => {
  let t: TestApp;
  let target: { url: string; host: string };
  const dev: ClientKey = DEV_KEY;

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        OPENTRAIL_DEV: 'true',
        OPENTRAIL_REGIONS: 'cn-hangzhou,cn-shanghai',
        OPENTRAIL_DELIVERY_POLL_MS: '50',
      },
    });
    target = { url: t.url, host: t.host };
    t.engine.start();
  });
  afterAll(() => t?.close());

  const api = (action: string, params: Record<string, unknown> = {}) =>
    call('openapi V3', target, dev, action, params);
  const hook = (name: string, body: Record<string, unknown> = {}) =>
    callHookViaSdk(t.host, dev, name, body);
  const slsTrail = (name: string) =>
    api('CreateTrail', {
      Name: name,
      SlsProjectArn: `acs:log:cn-hangzhou:${DEV_KEY.accountId}:project/audit`,
    });
  const job = (JobId: unknown) => api('GetDeliveryHistoryJob', { JobId });

  it('refuses a key that is not admin (403), a v1-signed or unsigned call, and unknown hooks', async () => {
    const notAdmin = await callHook(t.url, t.key, 'faults', { Action: 'DescribeTrails' });
    expect([notAdmin.status, notAdmin.body.Code]).toEqual([403, 'Forbidden']);
    expect(notAdmin.body.Message).toMatch(/admin/);
    const unknown = await callHook(t.url, dev, 'no-such-hook');
    expect([unknown.status, unknown.body.Code]).toEqual([404, 'InvalidAction.NotFound']);
    const unsigned = await fetch(`${t.url}/_opentrail/reset`, { method: 'POST', body: '{}' });
    expect(unsigned.status).toBe(400);
    expect(((await unsigned.json()) as { Code: string }).Code).toBe('MissingParameter');
    // Nothing happened: the injected fault was refused, so the Action answers.
    expect(await api('DescribeTrails')).toMatchObject({ TrailList: [] });
  });

  it('an injected ServiceUnavailable reaches the SDK caller as a 503 for the next N calls only', async () => {
    expect(await hook('faults', { Action: 'DescribeTrails', Count: 2 })).toMatchObject({
      Code: 'ServiceUnavailable',
      Count: 2,
    });
    for (let i = 0; i < 2; i++) {
      const f = await callExpectingError('openapi V3', target, dev, 'DescribeTrails', {});
      expect([f.statusCode, f.code]).toEqual([503, 'ServiceUnavailable']);
    }
    // pop-core sees it too (by Code), and other Actions were never affected.
    expect(await api('DescribeTrails')).toMatchObject({ TrailList: [] });
    await hook('faults', { Action: 'GetTrailStatus', Count: 1 });
    const pop = await callExpectingError('pop-core POST', target, dev, 'GetTrailStatus', {
      Name: 'x',
    });
    expect(pop.code).toBe('ServiceUnavailable');
    // The ingest API (PutEvents) too.
    await hook('faults', { Action: 'PutEvents' });
    const events = [
      { eventName: 'Deploy', serviceName: 'MyApp', eventTime: new Date().toISOString() },
    ];
    const refused = await sendIngestRequest(buildIngestRequest({ ...dev, host: t.host, events }));
    expect([refused.status, refused.body.Code]).toEqual([503, 'ServiceUnavailable']);
    const unknown = await callHook(t.url, dev, 'faults', { Action: 'NoSuchAction' });
    expect([unknown.status, unknown.body.Code]).toEqual([400, 'InvalidParameter']);
  });

  it('an injected Throttling.User is a 400 with x-acs-retry-after, as Alibaba throttles', async () => {
    await hook('faults', {
      Action: 'ListDeliveryHistoryJobs',
      Code: 'Throttling.User',
      Count: 1,
      RetryAfterMs: 1500,
    });
    const f = await callExpectingError('openapi V3', target, dev, 'ListDeliveryHistoryJobs', {});
    expect([f.statusCode, f.code]).toEqual([400, 'Throttling.User']);
    expect(f.message).toMatch(/flow control/);
    // The header the SDKs' ThrottlingError reads (ms), seen on the raw answer:
    await hook('faults', {
      Action: 'ListDeliveryHistoryJobs',
      Code: 'Throttling.User',
      RetryAfterMs: 1500,
    });
    const raw = await signedPost(t.url, dev, '/', 'ListDeliveryHistoryJobs', '');
    expect([raw.status, raw.body.Code]).toEqual([400, 'Throttling.User']);
    expect(raw.headers.get('x-acs-retry-after')).toBe('1500');
    expect(await api('ListDeliveryHistoryJobs')).toMatchObject({ TotalCount: 0 });
  });

  it('per-key rate limits follow the published quotas once switched on, and only then', async () => {
    const burst = async (key: ClientKey, n: number) =>
      Promise.all(
        Array.from({ length: n }, () =>
          callExpectingError('openapi V3', target, key, 'GetDeliveryHistoryJob', { JobId: 999 }),
        ),
      );
    // Off: 14 calls at once all reach the Action (GetDeliveryHistoryJob: 10/s published).
    expect((await burst(dev, 14)).every((f) => f.code === 'DeliveryHistoryJobNotFound')).toBe(true);
    const on = await hook('rate-limits', { Enabled: true });
    expect(on.Quotas).toMatchObject({
      CreateTrail: 5,
      DescribeTrails: 100,
      GetDeliveryHistoryJob: 10,
    });
    const results = await burst(dev, 14);
    const throttled = results.filter((f) => f.code === 'Throttling.User');
    // At most 10 in any second get through; the rest are throttled (a stalled machine can only
    // spread the burst over more than a second, letting more through, never fewer).
    expect(results.length - throttled.length).toBeLessThanOrEqual(10);
    expect(throttled.length).toBeGreaterThanOrEqual(1);
    expect(throttled.every((f) => f.statusCode === 400)).toBe(true);
    // Per key: another key's calls are counted apart.
    const other = await callExpectingError('openapi V3', target, t.key, 'GetDeliveryHistoryJob', {
      JobId: 999,
    });
    expect(other.code).toBe('DeliveryHistoryJobNotFound');
    await hook('rate-limits', { Enabled: false });
    expect((await burst(dev, 14)).every((f) => f.code === 'DeliveryHistoryJobNotFound')).toBe(true);
  });

  it('a job held at status 0 stays there until released, then completes', async () => {
    await slsTrail('held-trail');
    await hook('jobs/hold', { Status: 0 });
    const { JobId } = await api('CreateDeliveryHistoryJob', { TrailName: 'held-trail' });
    await sleep(600); // a dozen poll intervals
    expect(await job(JobId)).toMatchObject({ JobStatus: 0, State: 'Queued' });
    await hook('jobs/release');
    expect(await waitForJobEnd(target, dev, JobId, 15_000)).toMatchObject({ JobStatus: 2 });
  });

  it('a job held at status 1 (by JobId) stays running until released', async () => {
    await hook('jobs/hold', { Status: 0 });
    const { JobId } = await api('CreateDeliveryHistoryJob', { TrailName: 'held-trail' });
    expect(await hook('jobs/hold', { JobId, Status: 1 })).toMatchObject({ JobId, Status: 1 });
    const deadline = Date.now() + 10_000;
    while ((await job(JobId)).JobStatus === 0 && Date.now() < deadline) await sleep(50);
    await sleep(400);
    expect(await job(JobId)).toMatchObject({ JobStatus: 1, State: 'Running' });
    await hook('jobs/release', { JobId });
    expect(await waitForJobEnd(target, dev, JobId, 15_000)).toMatchObject({ JobStatus: 2 });
    await hook('jobs/release');
    // A job that ended can no longer be held.
    const late = await callHook(t.url, dev, 'jobs/hold', { JobId, Status: 1 });
    expect([late.status, late.body.Code]).toEqual([400, 'InvalidJobStatus']);
  });

  it('a forced failure fails the chosen region and shows in the failure list', async () => {
    await hook('jobs/hold', { Status: 0 });
    const { JobId } = await api('CreateDeliveryHistoryJob', { TrailName: 'held-trail' });
    await hook('jobs/fail', { JobId, Region: 'cn-shanghai', ErrorCode: 'Unauthorized' });
    await hook('jobs/release');
    const ended = await waitForJobEnd(target, dev, JobId, 15_000);
    expect(ended).toMatchObject({ JobStatus: 3, State: 'Failed' });
    const byRegion = Object.fromEntries(
      (ended.Status as Array<{ Region: string; Status: number }>).map((s) => [s.Region, s.Status]),
    );
    expect(byRegion).toEqual({ 'cn-hangzhou': 2, 'cn-shanghai': 3 });
    const failures = await api('ListDeliveryHistoryJobFailures', { JobId });
    expect(JSON.stringify(failures)).toContain('Unauthorized');
    const { body } = await (t.services.metrics as NonNullable<typeof t.services.metrics>).scrape();
    expect(body).toContain(
      'opentrail_delivery_failures_total{destination="sls",code="Unauthorized"} 1',
    );
    const missing = await callHook(t.url, dev, 'jobs/fail', { JobId: 987654 });
    expect([missing.status, missing.body.Code]).toEqual([404, 'DeliveryHistoryJobNotFound']);
  });

  it('seeds events into the caller account and shifts the service clock', async () => {
    const seeded = await hook('seed', { Events: 40, Days: 2, Seed: 3 });
    expect(seeded).toMatchObject({ AccountId: DEV_KEY.accountId, Generated: 40, Inserted: 40 });
    // The history ends a minute before now: before any call this test made.
    const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const found = await api('LookupEvents', {
      MaxResults: 50,
      StartTime: iso(Date.now() - 3 * 86_400_000),
      EndTime: iso(Date.now() - 50_000),
    });
    const events = found.Events as Array<{ serviceName: string }>;
    expect(events.length).toBe(40);
    expect(events.every((e) => e.serviceName !== 'Actiontrail')).toBe(true);

    const shifted = await hook('clock', { OffsetSeconds: 2 * 86_400 });
    expect(Date.parse(String(shifted.Now)) - Date.now()).toBeGreaterThan(2 * 86_400_000 - 60_000);
    await slsTrail('future-trail');
    const trails = (await api('DescribeTrails', { NameList: 'future-trail' })).TrailList as Array<{
      CreateTime: string;
    }>;
    // The service's time moved two days ahead; the SDK still signs with the real time.
    expect(Date.parse(trails[0]?.CreateTime ?? '') - Date.now()).toBeGreaterThan(86_400_000);
    await hook('clock', { OffsetSeconds: 0 });
  });

  it('reset leaves an empty service with only the dev key', async () => {
    await hook('faults', { Action: 'DescribeTrails', Count: 5 });
    expect(await hook('reset')).toMatchObject({
      AccountId: DEV_KEY.accountId,
      AccessKeyId: DEV_KEY.accessKeyId,
    });
    expect(await api('DescribeTrails')).toMatchObject({ TrailList: [] }); // fault forgotten too
    expect(await api('ListDeliveryHistoryJobs')).toMatchObject({ TotalCount: 0 });
    const events = (await api('LookupEvents', { MaxResults: 50 })).Events as Array<{
      eventName: string;
    }>;
    // Only the calls made since the reset (self-audit) remain.
    expect(
      events.every((e) => ['DescribeTrails', 'ListDeliveryHistoryJobs'].includes(e.eventName)),
    ).toBe(true);
    const gone = await callExpectingError('openapi V3', target, t.key, 'DescribeTrails', {});
    expect(gone.code).toBe('InvalidAccessKeyId.NotFound');
    // The dev key is admin again: hooks still work.
    expect(await hook('faults/clear')).toEqual({ RequestId: expect.any(String) });
  });

  it('outside dev mode every hook answers 404, even to an admin key', async () => {
    // The same services without the emulator's controls: what `serve` without --dev builds.
    const plain = await buildApp({ ...t.services, dev: undefined });
    const url = await plain.listen({ host: '127.0.0.1', port: 0 });
    try {
      for (const name of HOOKS) {
        const r = await callHook(url, dev, name, {});
        expect([name, r.status, r.body.Code]).toEqual([name, 404, 'InvalidAction.NotFound']);
      }
    } finally {
      await plain.close();
    }
  });
});
