import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEvents } from '../../src/db/repositories/events.repository.js';
import { listDeliveryFiles } from '../helpers/delivered-files.js';
import { waitForJobEnd } from '../helpers/delivery-jobs.js';
import { call, callExpectingError } from '../helpers/sdk-clients.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const DAY = 86_400_000;
const iso = (ms: number) =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/**
 * decisions §5 (v3): as ActionTrail documents, a history job needs a single-account trail that
 * delivers to SLS; backfilling OSS is an extension behind `delivery.historyToOss` (off here).
 */
describe('which trails a history job accepts, and where it delivers', () => {
  let t: TestApp;
  let target: { url: string; host: string };
  const sls = () => `acs:log:cn-hangzhou:${t.key.accountId}:project/audit-project`;
  const role = () => `acs:ram::${t.key.accountId}:role/aliyunserviceroleforactiontrail`;

  beforeAll(async () => {
    t = await startTestApp({ env: { OPENTRAIL_REGIONS: 'cn-hangzhou' } });
    target = { url: t.url, host: t.host };
  });
  afterAll(() => t?.close());

  const create = (name: string, settings: Record<string, unknown>) =>
    call('openapi V3', target, t.key, 'CreateTrail', { Name: name, ...settings });
  const job = (name: string) =>
    callExpectingError('openapi V3', target, t.key, 'CreateDeliveryHistoryJob', {
      TrailName: name,
    });

  it('refuses an OSS-only trail and an organization trail with InvalidTrailDestination', async () => {
    await create('oss-only-trail', { OssBucketName: 'audit-bucket' });
    const ossOnly = await job('oss-only-trail');
    expect([ossOnly.statusCode, ossOnly.code]).toEqual([400, 'InvalidTrailDestination']);
    expect(ossOnly.message).toMatch(/oss-only-trail.*does not deliver to Log Service/);

    await create('org-trail', {
      SlsProjectArn: sls(),
      SlsWriteRoleArn: role(),
      IsOrganizationTrail: true,
    });
    const org = await job('org-trail');
    expect([org.statusCode, org.code]).toEqual([400, 'InvalidTrailDestination']);
    expect(org.message).toMatch(/organization \(multi-account\) trail/);

    // A MaxCompute-only trail keeps its older answer (decisions §5).
    await create('mc-only-trail', {
      MaxComputeProjectArn: `acs:odps:cn-hangzhou:${t.key.accountId}:project/actiontrail_audit`,
      MaxComputeWriteRoleArn: role(),
    });
    expect((await job('mc-only-trail')).code).toBe('InvalidParameter');
    // Nothing was created by the refused calls.
    const list = await call('openapi V3', target, t.key, 'ListDeliveryHistoryJobs', {});
    expect(list.TotalCount).toBe(0);
  });

  it('delivers only the SLS destination of a trail that has both', async () => {
    const now = Date.now();
    const history = Array.from({ length: 30 }, (_, i) => ({
      eventId: `both-${i}`,
      eventName: 'DescribeInstances',
      serviceName: 'Ecs',
      acsRegion: 'cn-hangzhou',
      eventTime: iso(now - (i + 1) * DAY),
    }));
    await insertEvents(t.handle.db, t.key.accountId, history);
    await create('both-trail', {
      SlsProjectArn: sls(),
      SlsWriteRoleArn: role(),
      OssBucketName: 'both-bucket',
    });
    t.engine.start();
    const { JobId } = await call('openapi V3', target, t.key, 'CreateDeliveryHistoryJob', {
      TrailName: 'both-trail',
    });
    expect((await waitForJobEnd(target, t.key, JobId, 20_000)).JobStatus).toBe(2);

    const root = t.services.config.deliveryRoot;
    expect(listDeliveryFiles(root).filter((f) => f.startsWith('oss/'))).toEqual([]);
    const dir = path.join(root, 'sls', 'audit-project', 'actiontrail_both-trail', 'cn-hangzhou');
    const lines = readdirSync(dir)
      .filter((f) => f.endsWith('.ndjson'))
      .flatMap((f) => readFileSync(path.join(dir, f), 'utf8').trim().split('\n'))
      .map((l) => JSON.parse(l) as { __topic__: string; __time__: number; event: string });
    const idOf = (l: { event: string }) => (JSON.parse(l.event) as { eventId: string }).eventId;
    const ours = lines.filter((l) => idOf(l).startsWith('both-'));
    expect(ours.map(idOf).sort()).toEqual(history.map((e) => e.eventId).sort());
    for (const l of ours) {
      expect(l.__topic__).toBe('actiontrail_audit_event');
      expect(l.__time__).toBe(
        Date.parse((JSON.parse(l.event) as { eventTime: string }).eventTime) / 1000,
      );
    }
  });

  it('delivers Data events only where a data event selector of the trail matches', async () => {
    const now = Date.now();
    const at = (i: number) => iso(now - 2 * DAY + i * 1000);
    const history = [
      { eventId: 'mixed-mgmt', eventName: 'DescribeInstances', serviceName: 'Ecs' },
      { eventId: 'mixed-put', eventName: 'PutObject', eventRW: 'Write' },
      { eventId: 'mixed-get', eventName: 'GetObject', eventRW: 'Read' },
    ].map((e, i) => ({
      acsRegion: 'cn-hangzhou',
      eventTime: at(i),
      ...(e.eventId === 'mixed-mgmt' ? {} : { eventCategory: 'Data', serviceName: 'Oss' }),
      ...e,
    }));
    await insertEvents(t.handle.db, t.key.accountId, history);
    const delivered = async (trail: string) => {
      const { JobId } = await call('openapi V3', target, t.key, 'CreateDeliveryHistoryJob', {
        TrailName: trail,
      });
      expect((await waitForJobEnd(target, t.key, JobId, 20_000)).JobStatus).toBe(2);
      const dir = path.join(
        t.services.config.deliveryRoot,
        'sls',
        'audit-project',
        `actiontrail_${trail}`,
        'cn-hangzhou',
      );
      return readdirSync(dir)
        .flatMap((f) => readFileSync(path.join(dir, f), 'utf8').trim().split('\n'))
        .map(
          (l) =>
            (JSON.parse((JSON.parse(l) as { event: string }).event) as { eventId: string }).eventId,
        )
        .filter((id) => id.startsWith('mixed-'))
        .sort();
    };
    t.engine.start();

    await create('selector-trail', { SlsProjectArn: sls(), SlsWriteRoleArn: role() });
    await call('openapi V3', target, t.key, 'PutDataEventSelector', {
      TrailName: 'selector-trail',
      EventSelectors: JSON.stringify([
        { ServiceName: 'Oss', ReadWriteType: 'Write', EventName: { Equals: ['PutObject'] } },
      ]),
    });
    expect(await delivered('selector-trail')).toEqual(['mixed-mgmt', 'mixed-put']);

    // Without selectors a trail delivers no Data events at all.
    await create('no-selector-trail', { SlsProjectArn: sls(), SlsWriteRoleArn: role() });
    expect(await delivered('no-selector-trail')).toEqual(['mixed-mgmt']);
  });
});
