import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEvents } from '../../src/db/repositories/events.repository.js';
import { listDeliveryFiles, readOssDelivery } from '../helpers/delivered-files.js';
import { waitForJobEnd } from '../helpers/delivery-jobs.js';
import { call, callExpectingError } from '../helpers/sdk-clients.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const DAY = 86_400_000;
const iso = (ms: number) =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** [C2] extensions: StopDeliveryHistoryJob, RetryDeliveryHistoryJob, a chosen window. */
describe('stopping, retrying and windowing history jobs through the SDKs', () => {
  let t: TestApp;
  let target: { url: string; host: string };
  const now = Date.now();

  beforeAll(async () => {
    t = await startTestApp({
      env: { OPENTRAIL_REGIONS: 'cn-hangzhou', OPENTRAIL_DELIVERY_HISTORY_TO_OSS: 'true' },
    });
    target = { url: t.url, host: t.host };
    await insertEvents(
      t.handle.db,
      t.key.accountId,
      Array.from({ length: 40 }, (_, i) => ({
        eventId: `ctl-${i}`,
        eventName: 'DescribeInstances',
        serviceName: 'Ecs',
        acsRegion: 'cn-hangzhou',
        eventTime: iso(now - (i + 1) * DAY), // one a day, 1 to 40 days ago
      })),
    );
  });
  afterAll(() => t?.close());

  const api = (action: string, params: Record<string, unknown>) =>
    call('openapi V3', target, t.key, action, params);
  const fails = (action: string, params: Record<string, unknown>) =>
    callExpectingError('openapi V3', target, t.key, action, params);
  const trail = (name: string) => api('CreateTrail', { Name: name, OssBucketName: name });
  const get = (JobId: unknown) => api('GetDeliveryHistoryJob', { JobId });

  it('Stop ends a queued job as Stopped; Retry queues it again and it completes', async () => {
    await trail('control-trail');
    const { JobId } = await api('CreateDeliveryHistoryJob', { TrailName: 'control-trail' });
    expect(await api('StopDeliveryHistoryJob', { JobId })).toEqual({
      RequestId: expect.any(String),
    });
    const stopped = await get(JobId);
    expect(stopped).toMatchObject({ JobStatus: 3, State: 'Stopped' });
    // Nothing delivered yet of an estimated total: the 40 events and the account's own calls.
    expect(stopped.Progress).toMatchObject({ DeliveredEvents: 0, PercentDone: 0, EtaSeconds: 0 });
    expect((stopped.Progress as { TotalEvents: number }).TotalEvents).toBeGreaterThanOrEqual(40);
    const again = await fails('StopDeliveryHistoryJob', { JobId });
    expect([again.statusCode, again.code]).toEqual([400, 'InvalidJobStatus']);
    expect(again.message).toMatch(/is Stopped/);

    await api('RetryDeliveryHistoryJob', { JobId });
    expect(await get(JobId)).toMatchObject({ JobStatus: 0, State: 'Queued' });
    const running = await fails('RetryDeliveryHistoryJob', { JobId });
    expect([running.statusCode, running.code]).toEqual([400, 'InvalidJobStatus']);

    t.engine.start();
    expect((await waitForJobEnd(target, t.key, JobId, 20_000)).JobStatus).toBe(2);
    const done = await fails('RetryDeliveryHistoryJob', { JobId });
    expect(done.code).toBe('InvalidJobStatus');
    expect(done.message).toMatch(/is Succeeded/);
    expect((await fails('StopDeliveryHistoryJob', { JobId })).code).toBe('InvalidJobStatus');
    const delivered = readOssDelivery(t.services.config.deliveryRoot, 'control-trail', 'ctl-');
    expect(delivered.map((d) => d.eventId).sort()).toEqual(
      Array.from({ length: 40 }, (_, i) => `ctl-${i}`).sort(),
    );
  });

  it('answers 404 for unknown and foreign jobs, and one running job at a time', async () => {
    expect((await fails('StopDeliveryHistoryJob', { JobId: 999_999 })).code).toBe(
      'DeliveryHistoryJobNotFound',
    );
    const other = await t.newKey({ newAccount: true });
    await t.engine.stop();
    await trail('first-trail');
    const { JobId: first } = await api('CreateDeliveryHistoryJob', { TrailName: 'first-trail' });
    const foreign = await callExpectingError(
      'openapi V3',
      target,
      other,
      'RetryDeliveryHistoryJob',
      {
        JobId: first,
      },
    );
    expect([foreign.statusCode, foreign.code]).toEqual([404, 'DeliveryHistoryJobNotFound']);
    await api('StopDeliveryHistoryJob', { JobId: first });
    const { JobId: second } = await api('CreateDeliveryHistoryJob', { TrailName: 'control-trail' });
    const busy = await fails('RetryDeliveryHistoryJob', { JobId: first });
    expect(busy.code).toBe('DeliveryHistoryJobAlreadyRunning');
    expect(busy.message).toContain(`JobId ${second}`);
    await api('DeleteDeliveryHistoryJob', { JobId: second });
    await api('RetryDeliveryHistoryJob', { JobId: first });
    await api('StopDeliveryHistoryJob', { JobId: first });
  });

  it('a chosen window delivers exactly the events inside it, and is reported', async () => {
    await trail('window-trail');
    const StartTime = iso(now - 10.5 * DAY);
    const EndTime = iso(now - 4.5 * DAY);
    const { JobId } = await api('CreateDeliveryHistoryJob', {
      TrailName: 'window-trail',
      StartTime,
      EndTime,
    });
    expect(await get(JobId)).toMatchObject({ StartTime, EndTime });
    t.engine.start();
    expect((await waitForJobEnd(target, t.key, JobId, 20_000)).JobStatus).toBe(2);
    const delivered = readOssDelivery(t.services.config.deliveryRoot, 'window-trail', 'ctl-');
    // Events 5 to 10 days ago: ctl-4 … ctl-9.
    expect(delivered.map((d) => d.eventId).sort()).toEqual(
      ['ctl-4', 'ctl-5', 'ctl-6', 'ctl-7', 'ctl-8', 'ctl-9'].sort(),
    );
    expect(listDeliveryFiles(t.services.config.deliveryRoot).length).toBeGreaterThan(0);
  });

  it('refuses a bad window with a 400 naming the field, creating nothing', async () => {
    const cases: Array<[Record<string, string>, string, string]> = [
      [{ StartTime: iso(now - DAY) }, 'MissingParameter', 'EndTime'],
      [{ StartTime: 'yesterday', EndTime: iso(now) }, 'InvalidParameter', 'StartTime'],
      [{ StartTime: iso(now - DAY), EndTime: iso(now - 2 * DAY) }, 'InvalidParameter', 'EndTime'],
      [{ StartTime: iso(now - 91 * DAY), EndTime: iso(now) }, 'InvalidParameter', 'StartTime'],
      [{ StartTime: iso(now - DAY), EndTime: iso(now + DAY) }, 'InvalidParameter', 'EndTime'],
    ];
    const before = (await api('ListDeliveryHistoryJobs', {})).TotalCount;
    for (const [window, code, field] of cases) {
      const e = await fails('CreateDeliveryHistoryJob', { TrailName: 'window-trail', ...window });
      expect([e.statusCode, e.code], JSON.stringify(window)).toEqual([400, code]);
      expect(e.message).toContain(field);
    }
    expect((await api('ListDeliveryHistoryJobs', {})).TotalCount).toBe(before);
  });
});
