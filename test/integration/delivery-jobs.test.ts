import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEvents } from '../../src/db/repositories/events.repository.js';
import { listDeliveryFiles, readOssDelivery } from '../helpers/delivered-files.js';
import { waitForJobEnd } from '../helpers/delivery-jobs.js';
import { call, callExpectingError } from '../helpers/sdk-clients.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const REGIONS = ['cn-hangzhou', 'cn-shanghai', 'cn-beijing'];
const DAY = 86_400_000;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function events(count: number, prefix: string, now: number) {
  return Array.from({ length: count }, (_, i) => ({
    eventId: `${prefix}-${i}`,
    eventVersion: '1',
    eventType: 'ApiCall',
    eventName: i % 2 ? 'DescribeInstances' : 'CreateInstance',
    eventRW: i % 2 ? 'Read' : 'Write',
    serviceName: 'Ecs',
    acsRegion: REGIONS[i % REGIONS.length],
    // Spread over the last 80 days, some a day before the window opens.
    eventTime: isoSeconds(now - (i % 10 === 9 ? 91 : (i * 7919) % 80) * DAY - i * 1000),
    userIdentity: { type: 'root-account', accountId: 'x', principalId: 'x' },
  }));
}

describe('historical event delivery jobs through the SDKs', () => {
  let t: TestApp;
  let target: { url: string; host: string };

  beforeAll(async () => {
    t = await startTestApp({
      env: { OPENTRAIL_REGIONS: REGIONS.join(','), OPENTRAIL_DELIVERY_HISTORY_TO_OSS: 'true' },
    });
    target = { url: t.url, host: t.host };
  });
  afterAll(() => t?.close());

  async function trail(name: string, extra: Record<string, string> = {}) {
    await call('openapi V3', target, t.key, 'CreateTrail', {
      Name: name,
      OssBucketName: 'audit-bucket',
      ...extra,
    });
  }

  it('runs the Terraform flow: create with a token, poll, list, delete', async () => {
    const now = Date.now();
    const history = events(600, 'hist', now);
    await insertEvents(t.handle.db, t.key.accountId, history);
    await trail('tf-history-trail');
    t.engine.start();

    const created = await call('openapi V3', target, t.key, 'CreateDeliveryHistoryJob', {
      TrailName: 'tf-history-trail',
      ClientToken: 'token-1',
    });
    expect(typeof created.JobId).toBe('number');
    const again = await call('pop-core POST', target, t.key, 'CreateDeliveryHistoryJob', {
      TrailName: 'tf-history-trail',
      ClientToken: 'token-1',
    });
    expect(again.JobId).toBe(created.JobId);

    // Events arriving after the cut-off are not part of this job.
    await insertEvents(t.handle.db, t.key.accountId, events(5, 'late', now));

    const job = await waitForJobEnd(target, t.key, created.JobId, 20_000);
    expect(job.JobStatus).toBe(2);
    expect(job.TrailName).toBe('tf-history-trail');
    expect(job.HomeRegion).toBe('cn-hangzhou');
    for (const f of ['CreatedTime', 'StartTime', 'EndTime', 'UpdatedTime'])
      expect(job[f]).toMatch(ISO);
    const createdAt = Date.parse(job.CreatedTime as string);
    expect(Date.parse(job.StartTime as string)).toBe(createdAt - 90 * DAY);
    expect(Date.parse(job.EndTime as string)).toBe(createdAt + 5 * 60_000);
    expect(job.Status).toMatchObject(REGIONS.map((Region) => ({ Region, Status: 2 })));
    expect(job.State).toBe('Succeeded');

    // The account's own API calls before the job (self-audit, e.g. CreateTrail) are history too.
    const all = readOssDelivery(t.services.config.deliveryRoot, 'audit-bucket');
    const delivered = all.filter((d) => /^(hist|late)-/.test(d.eventId));
    expect(all.length).toBeGreaterThan(delivered.length);
    const expected = history.filter((e) => Date.parse(e.eventTime) >= createdAt - 90 * DAY);
    for (const region of REGIONS) {
      expect(
        delivered
          .filter((d) => d.acsRegion === region)
          .map((d) => d.eventId)
          .sort(),
      ).toEqual(
        expected
          .filter((e) => e.acsRegion === region)
          .map((e) => e.eventId)
          .sort(),
      );
    }
    // [C2] extension fields: the counters equal the delivered set, per region and in all.
    const perRegion = (r: string) => all.filter((d) => d.acsRegion === r).length;
    expect(job.Status).toEqual(
      REGIONS.map((Region) => ({
        Region,
        Status: 2,
        TotalEvents: perRegion(Region),
        DeliveredEvents: perRegion(Region),
        PercentDone: 100,
        ErrorCode: '',
        ErrorMessage: '',
      })),
    );
    expect(job.Progress).toMatchObject({
      TotalEvents: all.length,
      DeliveredEvents: all.length,
      FailedEvents: 0,
      PercentDone: 100,
      EtaSeconds: 0,
    });
    const progress = job.Progress as Record<string, unknown>;
    expect(Object.values(progress).every((v) => typeof v === 'number')).toBe(true);
    expect(progress.Batches).toBeGreaterThan(0);
    expect(progress.Bytes).toBeGreaterThan(0);
    expect(delivered).toHaveLength(expected.length);
    expect(
      listDeliveryFiles(t.services.config.deliveryRoot).filter((f) => f.includes('.tmp')),
    ).toEqual([]);

    // Terraform's data source pages with PageSize=50 until a short page.
    const page = await call('pop-core GET', target, t.key, 'ListDeliveryHistoryJobs', {
      PageSize: 50,
      PageNumber: 1,
    });
    expect(
      (page.DeliveryHistoryJobs as Array<{ JobId: number; JobStatus: number }>)[0],
    ).toMatchObject({
      JobId: created.JobId,
      JobStatus: 2,
    });

    await call('openapi V3', target, t.key, 'DeleteDeliveryHistoryJob', { JobId: created.JobId });
    const gone = await callExpectingError('openapi V3', target, t.key, 'GetDeliveryHistoryJob', {
      JobId: created.JobId,
    });
    expect([gone.code, gone.statusCode]).toEqual(['DeliveryHistoryJobNotFound', 404]);
    const goneAgain = await callExpectingError(
      'openapi V3',
      target,
      t.key,
      'DeleteDeliveryHistoryJob',
      { JobId: created.JobId },
    );
    expect([goneAgain.code, goneAgain.statusCode]).toEqual(['DeliveryHistoryJobNotFound', 404]);
    await t.engine.stop();
  });

  it('allows one running job per account and checks the ClientToken parameters', async () => {
    await trail('one-at-a-time');
    await trail('another-trail');
    const first = await call('openapi V3', target, t.key, 'CreateDeliveryHistoryJob', {
      TrailName: 'one-at-a-time',
      ClientToken: 'tok-a',
    });
    const busy = await callExpectingError('openapi V3', target, t.key, 'CreateDeliveryHistoryJob', {
      TrailName: 'another-trail',
    });
    expect([busy.code, busy.statusCode]).toEqual(['DeliveryHistoryJobAlreadyRunning', 400]);
    const mismatch = await callExpectingError(
      'pop-core GET',
      target,
      t.key,
      'CreateDeliveryHistoryJob',
      { TrailName: 'another-trail', ClientToken: 'tok-a' },
    );
    expect(mismatch.code).toBe('IdempotentParameterMismatch');
    const fresh = await call('openapi V3', target, t.key, 'GetDeliveryHistoryJob', {
      JobId: first.JobId,
    });
    expect(fresh.JobStatus).toBe(0);
    expect(fresh.Status).toMatchObject(REGIONS.map((Region) => ({ Region, Status: 0 })));
    // Deleting frees the slot at once.
    await call('openapi V3', target, t.key, 'DeleteDeliveryHistoryJob', { JobId: first.JobId });
    const next = await call('openapi V3', target, t.key, 'CreateDeliveryHistoryJob', {
      TrailName: 'another-trail',
    });
    expect(next.JobId).toBeGreaterThan(first.JobId as number);
    // DeleteTrail stops its running job: status 3, still listable.
    await call('openapi V3', target, t.key, 'DeleteTrail', { Name: 'another-trail' });
    const stopped = await call('openapi V3', target, t.key, 'GetDeliveryHistoryJob', {
      JobId: next.JobId,
    });
    expect(stopped.JobStatus).toBe(3);
    expect(stopped.State).toBe('Stopped');
    expect(stopped.Status).toMatchObject(REGIONS.map((Region) => ({ Region, Status: 3 })));
  });

  it('gives every copy of a request sent at once with one ClientToken the same job', async () => {
    const sent = await Promise.all(
      (['openapi V3', 'pop-core POST', 'openapi V3', 'pop-core GET'] as const).map((client) =>
        call(client, target, t.key, 'CreateDeliveryHistoryJob', {
          TrailName: 'one-at-a-time',
          ClientToken: 'tok-race',
        }),
      ),
    );
    expect(new Set(sent.map((r) => r.JobId)).size).toBe(1);
    const listed = await call('openapi V3', target, t.key, 'ListDeliveryHistoryJobs', {});
    const jobs = listed.DeliveryHistoryJobs as Array<{ JobId: number; JobStatus: number }>;
    expect(jobs.filter((j) => j.JobStatus < 2).map((j) => j.JobId)).toEqual([sent[0]?.JobId]);
    await call('openapi V3', target, t.key, 'DeleteDeliveryHistoryJob', { JobId: sent[0]?.JobId });
  });

  it('answers the documented errors', async () => {
    const noTrail = await callExpectingError(
      'openapi V3',
      target,
      t.key,
      'CreateDeliveryHistoryJob',
      { TrailName: 'no-such-trail' },
    );
    expect([noTrail.code, noTrail.statusCode]).toEqual(['TrailNotFoundException', 404]);
    const missing = await callExpectingError(
      'openapi V3',
      target,
      t.key,
      'CreateDeliveryHistoryJob',
      {},
    );
    expect([missing.code, missing.statusCode]).toEqual(['MissingParameter', 400]);
    await call('openapi V3', target, t.key, 'CreateTrail', {
      Name: 'maxcompute-only',
      MaxComputeProjectArn: `acs:odps:cn-hangzhou:${t.key.accountId}:project/actiontrail_abc`,
    });
    const mc = await callExpectingError('openapi V3', target, t.key, 'CreateDeliveryHistoryJob', {
      TrailName: 'maxcompute-only',
    });
    expect([mc.code, mc.statusCode]).toEqual(['InvalidParameter', 400]);
    for (const JobId of ['abc', '0', '-3', '1.5']) {
      const bad = await callExpectingError('openapi V3', target, t.key, 'GetDeliveryHistoryJob', {
        JobId,
      });
      expect([bad.code, bad.statusCode]).toEqual(['InvalidParameter', 400]);
    }
    const noId = await callExpectingError(
      'pop-core GET',
      target,
      t.key,
      'GetDeliveryHistoryJob',
      {},
    );
    expect(noId.code).toBe('MissingParameter');
    const unknown = await callExpectingError('openapi V3', target, t.key, 'GetDeliveryHistoryJob', {
      JobId: 987654,
    });
    expect([unknown.code, unknown.statusCode]).toEqual(['DeliveryHistoryJobNotFound', 404]);
  });

  it("never shows or touches another account's job", async () => {
    const other = await t.newKey({ newAccount: true });
    await call('openapi V3', target, other, 'CreateTrail', {
      Name: 'other-trail',
      OssBucketName: 'other-bucket',
    });
    const theirs = await call('openapi V3', target, other, 'CreateDeliveryHistoryJob', {
      TrailName: 'other-trail',
    });
    for (const action of ['GetDeliveryHistoryJob', 'DeleteDeliveryHistoryJob']) {
      const e = await callExpectingError('openapi V3', target, t.key, action, {
        JobId: theirs.JobId,
      });
      expect([e.code, e.statusCode]).toEqual(['DeliveryHistoryJobNotFound', 404]);
    }
    const mine = await call('openapi V3', target, t.key, 'ListDeliveryHistoryJobs', {
      PageSize: 100,
    });
    expect(
      (mine.DeliveryHistoryJobs as Array<{ JobId: number }>).map((j) => j.JobId),
    ).not.toContain(theirs.JobId);
    const trailNotMine = await callExpectingError(
      'openapi V3',
      target,
      t.key,
      'CreateDeliveryHistoryJob',
      { TrailName: 'other-trail' },
    );
    expect(trailNotMine.code).toBe('TrailNotFoundException');
  });
});
