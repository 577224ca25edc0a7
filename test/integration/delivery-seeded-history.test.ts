import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEvents } from '../../src/db/repositories/events.repository.js';
import { generateEvents } from '../../src/intake/seed/generate-events.js';
import { readOssDelivery } from '../helpers/delivered-files.js';
import { call } from '../helpers/sdk-clients.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const REGIONS = ['cn-hangzhou', 'cn-shanghai', 'cn-beijing', 'cn-shenzhen', 'ap-southeast-1'];
// 5,000 keeps the suite quick (sparse: nearly one file per event, each written and fsync'd, so
// the job still writes thousands of files); SEEDED_HISTORY_EVENTS=100000 is the full-size check.
const COUNT = Number(process.env.SEEDED_HISTORY_EVENTS ?? 5_000);

describe(`a seeded 90-day history of ${COUNT.toLocaleString('en')} events across 5 regions`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      env: { OPENTRAIL_REGIONS: REGIONS.join(','), OPENTRAIL_DELIVERY_HISTORY_TO_OSS: 'true' },
    });
  });
  afterAll(() => t?.close());

  it('is delivered completely, per region, and nothing after the cut-off', async () => {
    const account = t.key.accountId;
    const generated = [
      ...generateEvents({
        count: COUNT,
        days: 90,
        accounts: [account],
        seed: 2026,
        now: Date.now(),
        regions: REGIONS,
      }),
    ] as Array<{ eventId: string; eventTime: string; acsRegion: string }>;
    for (let i = 0; i < generated.length; i += 5000) {
      await insertEvents(t.handle.db, account, generated.slice(i, i + 5000) as never);
    }
    const target = { url: t.url, host: t.host };
    await call('openapi V3', target, t.key, 'CreateTrail', {
      Name: 'seeded-trail',
      OssBucketName: 'seeded',
    });
    const { JobId } = await call('openapi V3', target, t.key, 'CreateDeliveryHistoryJob', {
      TrailName: 'seeded-trail',
    });
    const late = generated.slice(0, 50).map((e, i) => ({ ...e, eventId: `late-${i}` }));
    await insertEvents(t.handle.db, account, late as never);

    await t.engine.drain();
    const job = await call('openapi V3', target, t.key, 'GetDeliveryHistoryJob', { JobId });
    expect(job.JobStatus).toBe(2);
    expect(job.Status).toMatchObject(REGIONS.map((Region) => ({ Region, Status: 2 })));

    const windowStart = Date.parse(job.StartTime as string);
    const ids = new Set(generated.map((e) => e.eventId));
    const delivered = readOssDelivery(t.services.config.deliveryRoot, 'seeded');
    expect(delivered.some((d) => d.eventId.startsWith('late-'))).toBe(false);
    let total = 0;
    for (const region of REGIONS) {
      const expected = generated
        .filter((e) => e.acsRegion === region && Date.parse(e.eventTime) >= windowStart)
        .map((e) => e.eventId)
        .sort();
      const got = delivered
        .filter((d) => d.acsRegion === region && ids.has(d.eventId))
        .map((d) => d.eventId)
        .sort();
      expect(got.length, region).toBe(expected.length);
      expect(got, region).toEqual(expected);
      total += got.length;
    }
    expect(total).toBeGreaterThan(COUNT * 0.95);
  }, 240_000);
});
