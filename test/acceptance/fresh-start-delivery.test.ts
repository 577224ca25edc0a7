import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open-database.js';
import { insertEvents } from '../../src/db/repositories/events.repository.js';
import { readOssDelivery } from '../helpers/delivered-files.js';
import { waitForJobEnd } from '../helpers/delivery-jobs.js';
import { call } from '../helpers/sdk-clients.js';
import { freshDataDir, type ServerProcess, startServer } from '../helpers/server-process.js';
import { createPostgresDatabase, TEST_DB } from '../helpers/test-database.js';

const REGIONS = ['cn-hangzhou', 'cn-shanghai', 'cn-beijing'];
const KEY = { accessKeyId: 'freshstartkey', accessKeySecret: 'freshstartsecret' };
const ACCOUNT = '1888000011112222';
const EVENTS = Number(process.env.FRESH_START_EVENTS ?? 8_000);

/**
 * EVENTS events on each of the last 80 days, so most days of the first partition pass get
 * some; within a day they lie a second apart, so the job writes a few hundred files.
 */
function history() {
  const firstDay = Math.floor(Date.now() / 86_400_000) - 80;
  const timeOf = (i: number) => (firstDay + (i % 80)) * 86_400_000 + 3_600_000 + (i / 80) * 1000;
  return Array.from({ length: EVENTS }, (_, i) => ({
    eventId: `fresh-${i}`,
    eventName: 'DescribeInstances',
    serviceName: 'Ecs',
    acsRegion: REGIONS[i % REGIONS.length],
    eventTime: new Date(Math.floor(timeOf(i) / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
  }));
}

/**
 * [E2]: events stored right after the first start of a new database, while the day partitions
 * are still being created (PostgreSQL, two nodes), and a history job created at once: every
 * event is delivered exactly once and the job's counters say so.
 */
describe('a history job right after the first start of a new database', () => {
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    for (const s of servers) await s.stop();
  });

  it('delivers every event exactly once and counts each once', async () => {
    const deliveryRoot = freshDataDir('opentrail-fresh-delivery-');
    const url = TEST_DB === 'postgres' ? await createPostgresDatabase('plain') : undefined;
    const env: Record<string, string> = {
      ...(url ? { OPENTRAIL_DATABASE_URL: url } : {}),
      OPENTRAIL_DELIVERY_ROOT: deliveryRoot,
      OPENTRAIL_DELIVERY_HISTORY_TO_OSS: 'true',
      OPENTRAIL_REGIONS: REGIONS.join(','),
      OPENTRAIL_ACCOUNT_ID: ACCOUNT,
      OPENTRAIL_ACCESS_KEY_ID: KEY.accessKeyId,
      OPENTRAIL_ACCESS_KEY_SECRET: KEY.accessKeySecret,
    };
    const node = (name: string) => {
      const dataDir = freshDataDir(`opentrail-fresh-${name}-`);
      const config = path.join(dataDir, 'config.json');
      writeFileSync(config, JSON.stringify({ delivery: { chunkSize: 200, sliceMs: 100 } }));
      return startServer({ dataDir, args: ['--config', config], env });
    };
    const nodes = await Promise.all(TEST_DB === 'postgres' ? [node('a'), node('b')] : [node('a')]);
    servers.push(...nodes);
    const first = nodes[0] as ServerProcess;
    const last = nodes[nodes.length - 1] as ServerProcess;

    const events = history();
    const h = await openDatabase({
      databasePath: path.join(first.dataDir, 'opentrail.db'),
      databaseUrl: url,
    });
    for (let i = 0; i < events.length; i += 500) {
      await insertEvents(h.db, ACCOUNT, events.slice(i, i + 500));
    }
    await call('openapi V3', first, KEY, 'CreateTrail', {
      Name: 'fresh-trail',
      OssBucketName: 'fresh',
    });
    const { JobId } = await call('openapi V3', last, KEY, 'CreateDeliveryHistoryJob', {
      TrailName: 'fresh-trail',
    });
    expect((await waitForJobEnd(first, KEY, JobId, 90_000)).JobStatus).toBe(2);

    const delivered = readOssDelivery(deliveryRoot, 'fresh');
    const ours = delivered.filter((d) => d.eventId.startsWith('fresh-'));
    expect(ours.map((d) => d.eventId).sort()).toEqual(events.map((e) => e.eventId).sort());
    // The counters equal the delivered set (the job also delivers the self-audit records).
    const progress = await h.db
      .selectFrom('delivery_job_progress')
      .select(['region', 'delivered_count'])
      .where('job_id', '=', Number(JobId))
      .orderBy('region')
      .execute();
    await h.close();
    const perRegion = new Map<string, number>();
    for (const d of delivered) perRegion.set(d.acsRegion, (perRegion.get(d.acsRegion) ?? 0) + 1);
    expect(progress.map((p) => [p.region, Number(p.delivered_count)])).toEqual(
      [...REGIONS].sort().map((r) => [r, perRegion.get(r) ?? 0]),
    );
  });
});
