import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEvents } from '../../src/db/repositories/events.repository.js';
import { readOssDelivery } from '../helpers/delivered-files.js';
import { call } from '../helpers/sdk-clients.js';
import { REPO_ROOT } from '../helpers/server-process.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { TEST_DB } from '../helpers/test-database.js';

const REGIONS = ['cn-hangzhou', 'cn-shanghai'];

function runEngine(
  t: TestApp,
  log: string,
  crashAt = '',
): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(REPO_ROOT, 'test/fixtures/scripts/run-engine.ts'),
        t.services.config.databasePath,
        t.services.config.deliveryRoot,
        log,
        crashAt,
      ],
      {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...process.env, OPENTRAIL_DATABASE_URL: t.services.config.databaseUrl ?? '' },
      },
    );
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
}

function lines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

describe(`two engine processes on one ${TEST_DB} database`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      env: { OPENTRAIL_REGIONS: REGIONS.join(','), OPENTRAIL_DELIVERY_HISTORY_TO_OSS: 'true' },
    });
  });
  afterAll(() => t?.close());

  async function jobWith(trail: string, count: number, key = t.key) {
    const now = Date.now();
    const events = Array.from({ length: count }, (_, i) => ({
      eventId: `${trail}-${i}`,
      eventName: 'DescribeInstances',
      serviceName: 'Ecs',
      acsRegion: REGIONS[i % 2],
      eventTime: new Date(Math.floor((now - 20 * 86_400_000 + i * 300_000) / 1000) * 1000)
        .toISOString()
        .replace('.000Z', 'Z'),
    }));
    await insertEvents(t.handle.db, key.accountId, events);
    const target = { url: t.url, host: t.host };
    await call('openapi V3', target, key, 'CreateTrail', { Name: trail, OssBucketName: trail });
    const { JobId } = await call('openapi V3', target, key, 'CreateDeliveryHistoryJob', {
      TrailName: trail,
    });
    return { JobId, events };
  }

  it('never deliver the same batch twice', async () => {
    // Two accounts' jobs, so both engines have work at the same time and rotate between them.
    const otherKey = await t.newKey({ newAccount: true });
    const other = await jobWith('other-job', 800, otherKey);
    const { JobId, events } = await jobWith('shared-job', 800);
    const dir = path.dirname(t.services.config.databasePath);
    const logs = [path.join(dir, 'engine-a.log'), path.join(dir, 'engine-b.log')];
    const results = await Promise.all(logs.map((log) => runEngine(t, log)));
    expect(results.map((r) => r.code)).toEqual([0, 0]);
    const a = lines(logs[0] as string);
    const b = lines(logs[1] as string);
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(0); // both took part
    const all = [...a, ...b];
    expect(new Set(all).size).toBe(all.length); // no batch delivered twice
    const job = await call(
      'openapi V3',
      { url: t.url, host: t.host },
      t.key,
      'GetDeliveryHistoryJob',
      { JobId },
    );
    expect(job.JobStatus).toBe(2);
    const delivered = readOssDelivery(t.services.config.deliveryRoot, 'shared-job', 'shared-job-');
    expect(delivered.map((d) => d.eventId).sort()).toEqual(events.map((e) => e.eventId).sort());
    const otherJob = await call(
      'openapi V3',
      { url: t.url, host: t.host },
      otherKey,
      'GetDeliveryHistoryJob',
      {
        JobId: other.JobId,
      },
    );
    expect(otherJob.JobStatus).toBe(2);
  }, 60_000);

  it('lets the survivor take over the lease of an engine killed mid-job', async () => {
    await call('openapi V3', { url: t.url, host: t.host }, t.key, 'DeleteTrail', {
      Name: 'shared-job',
    });
    const { JobId, events } = await jobWith('takeover-job', 400);
    const dir = path.dirname(t.services.config.databasePath);
    // The first engine dies holding the lease; the second must wait for it to expire, then finish.
    const killed = await runEngine(t, path.join(dir, 'takeover-a.log'), 'after-ack:15');
    const leased = await t.handle.db
      .selectFrom('delivery_jobs')
      .select(['locked_by', 'job_status'])
      .where('id', '=', JobId as number)
      .executeTakeFirstOrThrow();
    expect(leased.locked_by).not.toBeNull();
    expect(leased.job_status).toBe(1);
    const survivor = await runEngine(t, path.join(dir, 'takeover-b.log'));
    expect(killed.signal).toBe('SIGKILL');
    expect(survivor.code).toBe(0);
    const job = await call(
      'openapi V3',
      { url: t.url, host: t.host },
      t.key,
      'GetDeliveryHistoryJob',
      { JobId },
    );
    expect(job.JobStatus).toBe(2);
    const delivered = readOssDelivery(
      t.services.config.deliveryRoot,
      'takeover-job',
      'takeover-job-',
    );
    expect(delivered.map((d) => d.eventId).sort()).toEqual(events.map((e) => e.eventId).sort());
  }, 60_000);
});
