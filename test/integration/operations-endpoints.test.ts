import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startMetricsServer } from '../../src/api/health/metrics-server.js';
import { buildIngestRequest, sendIngestRequest } from '../../src/api/ingest/ingest-client.js';
import { buildApp } from '../../src/app.js';
import { openDatabase } from '../../src/db/open-database.js';
import { claimNextJob } from '../../src/db/repositories/delivery-leases.repository.js';
import { readinessProbe } from '../../src/domain/operations/readiness.js';
import { waitForJobEnd } from '../helpers/delivery-jobs.js';
import { call, callExpectingError } from '../helpers/sdk-clients.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { TEST_DB } from '../helpers/test-database.js';

/** One sample's value from Prometheus exposition text; 0 when the series is absent. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

/** [F3] operations: /metrics, /healthz, /readyz on the API port, without signatures. */
describe('metrics and health endpoints', () => {
  let t: TestApp;
  let target: { url: string; host: string };
  const scrape = async () => {
    const res = await fetch(`${t.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text();
  };

  beforeAll(async () => {
    t = await startTestApp({
      env: { OPENTRAIL_REGIONS: 'cn-hangzhou', OPENTRAIL_DELIVERY_POLL_MS: '50' },
    });
    target = { url: t.url, host: t.host };
  });
  afterAll(() => t?.close());
  const api = (action: string, params: Record<string, unknown> = {}) =>
    call('openapi V3', target, t.key, action, params);

  it('/healthz answers at once; /readyz only once the engine runs', async () => {
    const health = await fetch(`${t.url}/healthz`);
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
    const before = await fetch(`${t.url}/readyz`);
    expect(before.status).toBe(503);
    expect(await before.json()).toMatchObject({
      Code: 'ServiceUnavailable',
      Message: expect.stringContaining('engine: stopped'),
      RequestId: expect.any(String),
    });
  });

  it('counts a lease taken over from a worker that stopped renewing it', async () => {
    const arn = `acs:log:cn-hangzhou:${t.key.accountId}:project/audit`;
    await api('CreateTrail', { Name: 'ops-trail', SlsProjectArn: arn });
    const { JobId } = await api('CreateDeliveryHistoryJob', { TrailName: 'ops-trail' });
    // Another node claims it with a lease that runs out at once, and is never heard of again.
    const { db, dialect } = t.handle;
    await claimNextJob(db, dialect.capabilities, 'gone-node#0', Date.now(), 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(await t.engine.runOnce()).toBe(true);
    expect(sample(await scrape(), 'opentrail_lease_takeovers_total')).toBe(1);
    t.engine.start();
    expect(await waitForJobEnd(target, t.key, JobId, 15_000)).toMatchObject({ JobStatus: 2 });
    const ready = await fetch(`${t.url}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([
      200,
      { status: 'ready', checks: { database: 'ok', migrations: 'ok', engine: 'running' } },
    ]);
  });

  it('requests, ingested and delivered events, jobs, nonces and the pool move the series', async () => {
    const before = await scrape();
    await api('DescribeTrails');
    const bad = await callExpectingError('openapi V3', target, t.key, 'CreateTrail', {
      Name: 'no-destination-trail',
    });
    expect(bad.code).toBe('InvalidParameter');
    const now = new Date().toISOString();
    const ingest = await sendIngestRequest(
      buildIngestRequest({
        ...t.key,
        host: t.host,
        events: [
          { eventName: 'Deploy', serviceName: 'MyApp', eventTime: now, acsRegion: 'cn-hangzhou' },
          { eventName: 'Rollback', serviceName: 'MyApp', eventTime: now, acsRegion: 'cn-hangzhou' },
          { eventName: 'NoTime', serviceName: 'MyApp' },
        ],
      }),
    );
    expect(ingest.body).toMatchObject({ Accepted: 2, Duplicates: 0 });
    const { JobId } = await api('CreateDeliveryHistoryJob', { TrailName: 'ops-trail' });
    expect(await waitForJobEnd(target, t.key, JobId, 15_000)).toMatchObject({ JobStatus: 2 });
    const after = await scrape();

    const delta = (series: string) => sample(after, series) - sample(before, series);
    expect(delta('opentrail_requests_total{action="DescribeTrails",code="OK"}')).toBe(1);
    expect(delta('opentrail_requests_total{action="CreateTrail",code="InvalidParameter"}')).toBe(1);
    expect(delta('opentrail_requests_total{action="PutEvents",code="OK"}')).toBe(1);
    expect(delta('opentrail_request_duration_seconds_count{action="DescribeTrails"}')).toBe(1);
    expect(delta('opentrail_events_ingested_total{result="accepted"}')).toBe(2);
    expect(delta('opentrail_events_ingested_total{result="rejected"}')).toBe(1);
    // The second job delivers the two events and the calls recorded since the first (self-audit).
    expect(delta('opentrail_events_delivered_total{destination="sls"}')).toBeGreaterThanOrEqual(2);
    expect(sample(after, 'opentrail_delivery_jobs{kind="history",state="Succeeded"}')).toBe(2);
    expect(sample(after, 'opentrail_delivery_jobs{kind="history",state="Running"}')).toBe(0);
    expect(sample(after, 'opentrail_nonces')).toBeGreaterThan(0);
    expect(sample(after, 'opentrail_db_pool_connections{state="size"}')).toBeGreaterThanOrEqual(1);
    for (const name of [
      'opentrail_delivery_failures_total',
      'opentrail_retention_purged_events_total',
      'opentrail_retention_held_back_events',
    ]) {
      expect(after).toContain(`# TYPE ${name} `);
    }
    // Nothing that names an account or a key, let alone a secret.
    for (const secretish of [t.key.accountId, t.key.accessKeyId, t.key.accessKeySecret]) {
      expect(after).not.toContain(secretish);
    }
  });

  it('metrics.listen moves /metrics to its own address; metrics.enabled=false removes it', async () => {
    const moved = await buildApp({
      ...t.services,
      config: { ...t.services.config, metrics: { enabled: true, listen: '127.0.0.1:0' } },
    });
    const off = await buildApp({
      ...t.services,
      config: { ...t.services.config, metrics: { enabled: false } },
    });
    const own = await startMetricsServer('127.0.0.1:0', t.services.metrics!);
    try {
      for (const app of [moved, off]) {
        const r = await app.inject({ url: '/metrics' });
        expect([r.statusCode, r.json().Code]).toEqual([404, 'InvalidAction.NotFound']);
        expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
      }
      const there = await fetch(`${own.url}/metrics`);
      expect(there.status).toBe(200);
      expect(await there.text()).toContain('opentrail_requests_total{action="DescribeTrails"');
    } finally {
      await Promise.all([moved.close(), off.close(), own.server.close()]);
    }
  });

  const readyz = async () => {
    const r = await fetch(`${t.url}/readyz`);
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };

  it.runIf(TEST_DB === 'postgres')(
    'PostgreSQL refusing connections: 503 naming the database, ready again once it is back',
    async () => {
      expect((await readyz()).status).toBe(200);
      const name = new URL(t.services.config.databaseUrl ?? '').pathname.slice(1);
      const admin = new pg.Client({ connectionString: inject('pgAdminUrl') });
      await admin.connect();
      try {
        await admin.query(`alter database ${name} allow_connections false`);
        await admin.query(
          'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1',
          [name],
        );
        const down = await readyz();
        expect(down.status).toBe(503);
        expect(down.body).toMatchObject({ Code: 'ServiceUnavailable' });
        expect(String(down.body.Message)).toMatch(/database: unreachable/);
        expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
      } finally {
        await admin.query(`alter database ${name} allow_connections true`);
        await admin.end();
      }
      expect((await readyz()).status).toBe(200);
    },
  );

  it('a closed database: 503 naming the database; /healthz still answers', async () => {
    expect(await readyz()).toEqual({
      status: 200,
      body: { status: 'ready', checks: { database: 'ok', migrations: 'ok', engine: 'running' } },
    });
    // The app's own connection, closed under it: a database that no longer answers.
    const lost = await openDatabase(t.services.config);
    const app = await buildApp({
      ...t.services,
      readiness: readinessProbe({ handle: lost, engine: undefined, engineEnabled: false }),
    });
    await lost.close();
    try {
      const down = await app.inject({ url: '/readyz' });
      expect(down.statusCode).toBe(503);
      expect(down.json().Message).toMatch(/Not ready: database: unreachable/);
      expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
