import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../../test/helpers/test-database.js';
import type { DatabaseHandle } from '../../db/open-database.js';
import { insertAccount } from '../../db/repositories/accounts.repository.js';
import { insertEvents, safeHorizon } from '../../db/repositories/events.repository.js';
import { findTrail } from '../../db/repositories/trails.repository.js';
import { ApiError } from '../../errors/api-error.js';
import { createDeliveryJob } from '../delivery-jobs/delivery-jobs.js';
import {
  createTrail,
  deleteTrail,
  deleteTrailIn,
  describeTrails,
  getTrail,
  startLogging,
  stopLogging,
  type TrailContext,
  updateTrailSettings,
} from './trails.js';

const A = '1000000000000001';
const B = '1000000000000002';
const REGIONS = ['cn-hangzhou', 'cn-shanghai'];

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApiError);
  return e as ApiError;
}

describe('trail operations (real SQLite)', () => {
  let h: DatabaseHandle;
  let now = Date.UTC(2026, 0, 1);
  const ctx = (accountId = A): TrailContext => ({ db: h.db, accountId, regions: REGIONS, now });
  const create = (name: string, extra: Partial<Parameters<typeof createTrail>[1]> = {}) =>
    createTrail(ctx(), {
      name,
      homeRegion: 'cn-hangzhou',
      isOrganizationTrail: false,
      settings: { ossBucketName: 'audit-bucket' },
      ...extra,
    });

  beforeEach(async () => {
    h = await openTestDatabase();
    await insertAccount(h.db, { id: A, created_at: 0 });
    await insertAccount(h.db, { id: B, created_at: 0 });
  });
  afterEach(() => h.close());

  it('creates a Fresh trail with the defaults and stores every setting', async () => {
    const t = await create('trail-one', {
      settings: {
        ossBucketName: 'audit-bucket',
        ossKeyPrefix: 'logs-a',
        slsProjectArn: `acs:log:cn-hangzhou:${A}:project/p-1`,
      },
    });
    expect(t).toMatchObject({
      name: 'trail-one',
      accountId: A,
      homeRegion: 'cn-hangzhou',
      status: 'Fresh',
      eventRW: 'All',
      trailRegion: 'All',
      ossBucketName: 'audit-bucket',
      ossKeyPrefix: 'logs-a',
      slsProjectArn: `acs:log:cn-hangzhou:${A}:project/p-1`,
      ossWriteRoleArn: null,
      maxComputeProjectArn: null,
      startLoggingAt: null,
      stopLoggingAt: null,
      liveStartSeq: null,
      createdAt: now,
      updatedAt: now,
    });
  });

  it('counts the quota per home region, organization trails apart', async () => {
    for (let i = 0; i < 5; i++) await create(`trail-${i}x`);
    const e = await rejection(create('trail-6x'));
    expect([e.code, e.status]).toEqual(['MaximumNumberOfTrailsExceededException', 403]);
    await expect(create('trail-sh', { homeRegion: 'cn-shanghai' })).resolves.toBeDefined();
    await expect(create('trail-org1', { isOrganizationTrail: true })).resolves.toBeDefined();
    const org = await rejection(create('trail-org2', { isOrganizationTrail: true }));
    expect(org.code).toBe('MaximumNumberOfTrailsExceededException');
    // Another account has its own quota.
    await expect(
      createTrail(ctx(B), {
        name: 'trail-0x',
        homeRegion: 'cn-hangzhou',
        isOrganizationTrail: false,
        settings: { ossBucketName: 'audit-bucket' },
      }),
    ).resolves.toBeDefined();
  });

  it('refuses a second trail of the same name in any region', async () => {
    await create('trail-one');
    const e = await rejection(create('trail-one', { homeRegion: 'cn-shanghai' }));
    expect([e.code, e.status]).toEqual(['TrailAlreadyExistsException', 400]);
  });

  it('updates only what is sent, moves UpdateTime only on a change', async () => {
    await create('trail-one', {
      settings: { ossBucketName: 'audit-bucket', ossKeyPrefix: 'logs-a' },
    });
    now += 60_000;
    const same = await updateTrailSettings(ctx(), 'trail-one', { ossBucketName: 'audit-bucket' });
    expect(same.updatedAt).toBe(Date.UTC(2026, 0, 1));
    const changed = await updateTrailSettings(ctx(), 'trail-one', {
      eventRW: 'Write',
      ossKeyPrefix: null,
    });
    expect(changed).toMatchObject({
      eventRW: 'Write',
      ossKeyPrefix: null,
      ossBucketName: 'audit-bucket',
      trailRegion: 'All',
      updatedAt: now,
      createdAt: Date.UTC(2026, 0, 1),
    });
  });

  it('refuses an update that leaves no destination', async () => {
    await create('trail-one');
    const e = await rejection(updateTrailSettings(ctx(), 'trail-one', { ossBucketName: null }));
    expect(e.code).toBe('InvalidParameter');
    expect((await getTrail(ctx(), 'trail-one')).ossBucketName).toBe('audit-bucket');
  });

  it('moves Fresh → Enable → Disable with the times, recording live_start_seq', async () => {
    await create('trail-one');
    await insertEvents(h.db, A, [
      { eventId: 'e1', eventName: 'X', serviceName: 'Ecs', eventTime: '2026-11-01T00:00:00Z' },
      { eventId: 'e2', eventName: 'X', serviceName: 'Ecs', eventTime: '2026-11-01T00:00:01Z' },
    ]);
    const t0 = now;
    now += 1000;
    const started = await startLogging(ctx(), 'trail-one');
    expect(started).toMatchObject({ status: 'Enable', startLoggingAt: t0 + 1000 });
    now += 1000;
    const again = await startLogging(ctx(), 'trail-one');
    expect(again.startLoggingAt).toBe(t0 + 1000);
    now += 1000;
    const stopped = await stopLogging(ctx(), 'trail-one');
    expect(stopped).toMatchObject({
      status: 'Disable',
      startLoggingAt: t0 + 1000,
      stopLoggingAt: t0 + 3000,
      updatedAt: t0,
    });
    // The safe horizon when logging started: live delivery begins after the two stored events.
    expect((await findTrail(h.db, A, 'trail-one'))?.live_start_seq).toBe(2);
  });

  it('keeps accounts apart: another account sees nothing and gets 404', async () => {
    await create('trail-one');
    expect(await describeTrails(ctx(B))).toEqual([]);
    for (const op of [
      () => getTrail(ctx(B), 'trail-one'),
      () => startLogging(ctx(B), 'trail-one'),
      () => stopLogging(ctx(B), 'trail-one'),
      () => updateTrailSettings(ctx(B), 'trail-one', { eventRW: 'Read' }),
      () => deleteTrail(ctx(B), 'trail-one'),
    ]) {
      const e = await rejection(op());
      expect([e.code, e.status]).toEqual(['TrailNotFoundException', 404]);
    }
    expect((await getTrail(ctx(), 'trail-one')).status).toBe('Fresh');
  });

  it('keeps the quota and the names under concurrent creates (several connections on PostgreSQL)', async () => {
    const names = Array.from({ length: 9 }, (_, i) => `race-${i}x`);
    const outcomes = await Promise.allSettled(
      [...names, 'race-0x', 'race-0x'].map((n) => create(n)),
    );
    const codes = outcomes.map((o) =>
      o.status === 'fulfilled' ? 'ok' : (o.reason as ApiError).code,
    );
    expect(codes.filter((c) => c === 'ok')).toHaveLength(5);
    expect(new Set(codes)).toEqual(
      new Set(['ok', 'MaximumNumberOfTrailsExceededException', 'TrailAlreadyExistsException']),
    );
    expect(await describeTrails(ctx())).toHaveLength(5);
  });

  it('makes a job created while the trail is being deleted wait, then answer TrailNotFound', async () => {
    await create('going-away');
    // A DeleteTrail in flight (on another node, say): its transaction is still open.
    const deleting = await h.db.startTransaction().execute();
    await deleteTrailIn(deleting, A, 'going-away', now);
    const made = createDeliveryJob(
      { ...ctx(), historyToOss: true, safeHorizon },
      { trailName: 'going-away' },
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    await new Promise((r) => setTimeout(r, 50));
    await deleting.commit().execute();
    expect(((await made) as ApiError).code).toBe('TrailNotFoundException');
    const jobs = await h.db.selectFrom('delivery_jobs').select('id').execute();
    expect(jobs).toEqual([]);
  });

  it('filters by name, leaving out unknown and malformed names', async () => {
    await create('trail-one');
    await create('trail-two');
    const names = (await describeTrails(ctx(), ['trail-two', 'nope-nope', 'BAD'])).map(
      (t) => t.name,
    );
    expect(names).toEqual(['trail-two']);
    expect((await describeTrails(ctx())).map((t) => t.name)).toEqual(['trail-one', 'trail-two']);
  });
});
