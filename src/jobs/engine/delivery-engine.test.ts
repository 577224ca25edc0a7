import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openTestDatabase } from '../../../test/helpers/test-database.js';
import type { DatabaseHandle } from '../../db/open-database.js';
import { insertAccount } from '../../db/repositories/accounts.repository.js';
import { listProgress } from '../../db/repositories/delivery-progress.repository.js';
import { retryDeliveryJob, stopDeliveryJob } from '../../domain/delivery-jobs/job-control.js';
import { jobProgress } from '../../domain/delivery-jobs/job-progress.js';
import { ManualClock } from '../../lib/clock.js';
import { SinkError } from '../../sinks/sink.js';
import { type CrashPoint, noCrash } from '../crash-points.js';
import { insertTestHistoryJob, testEngine } from '../testing/engine-fixture.js';
import { MemoryEventSource } from '../testing/memory-event-source.js';
import { RecordingSink } from '../testing/recording-sink.js';
import { DEFAULT_ENGINE_OPTIONS, type EngineOptions } from './engine-options.js';

const T0 = Date.UTC(2026, 10, 25, 0, 0, 0);
const DAY = 86_400_000;

describe('DeliveryEngine', () => {
  let h: DatabaseHandle;
  let clock: ManualClock;
  let source: MemoryEventSource;
  let sink: RecordingSink;
  const options: EngineOptions = {
    ...DEFAULT_ENGINE_OPTIONS,
    sliceMs: 0,
    chunkSize: 50,
    inFlight: 3,
    maxFailures: 3,
    // A few events per object (events come every 97 s): many batches per chunk, as a dense
    // history has, so acknowledgements, failures and takeovers fall between batches.
    historyFileCap: { maxEvents: 3, maxBytes: 2 ** 20 },
  };

  beforeEach(async () => {
    h = await openTestDatabase();
    clock = new ManualClock(T0);
    source = new MemoryEventSource();
    sink = new RecordingSink();
    await insertAccount(h.db, { id: 'acct-a', created_at: T0 });
    await insertAccount(h.db, { id: 'acct-b', created_at: T0 });
  });
  afterEach(() => h.close());

  const engine = (
    owner = 'engine-1',
    opts: Partial<EngineOptions> = {},
    crashPoint: CrashPoint = noCrash,
  ) => testEngine({ h, clock, source, sink, options: { ...options, ...opts } }, owner, crashPoint);

  const createJob = (accountId: string, regions: string[], cutoffSeq: number, eventRW = 'All') =>
    insertTestHistoryJob(h, clock.now(), { accountId, regions, cutoffSeq, eventRW });

  const job = async (id: number) =>
    h.db.selectFrom('delivery_jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  function seed(accountId: string, regions: string[], perRegion: number) {
    for (let i = 0; i < perRegion; i++) {
      for (const region of regions) {
        source.add({
          accountId,
          region,
          eventRW: i % 3 === 0 ? 'Write' : 'Read',
          eventTime: T0 - 80 * DAY + i * 97_000,
        });
      }
    }
  }

  it('delivers every event in scope exactly once and ends in JobStatus 2', async () => {
    seed('acct-a', ['cn-hangzhou', 'cn-shanghai'], 120);
    seed('acct-b', ['cn-hangzhou'], 10); // another account's events are never delivered
    source.add({
      accountId: 'acct-a',
      region: 'cn-hangzhou',
      eventRW: 'Read',
      eventTime: T0 - 91 * DAY,
    }); // before the window
    const cutoff = source.events.length;
    source.add({ accountId: 'acct-a', region: 'cn-hangzhou', eventRW: 'Read', eventTime: T0 }); // after the cut-off
    const id = await createJob('acct-a', ['cn-hangzhou', 'cn-shanghai'], cutoff);
    expect((await job(id)).job_status).toBe(0);
    const e = engine();
    expect(await e.runOnce()).toBe(true);
    expect((await job(id)).job_status).toBe(1);
    expect((await job(id)).state).toBe('Running');
    await e.drain();
    const done = await job(id);
    expect([done.job_status, done.state, done.locked_by]).toEqual([2, 'Succeeded', null]);
    const expected = source.events
      .filter(
        (ev) => ev.accountId === 'acct-a' && ev.eventTime >= T0 - 90 * DAY && ev.seq <= cutoff,
      )
      .map((ev) => `ev-${ev.seq}`);
    expect(sink.eventIds().sort()).toEqual(expected.sort());
    expect(sink.eventIds()).toHaveLength(240);
    const progress = await listProgress(h.db, id);
    expect(progress.map((p) => [p.region, p.status, p.delivered_count])).toEqual([
      ['cn-hangzhou', 2, 120],
      ['cn-shanghai', 2, 120],
    ]);
    expect(await h.db.selectFrom('delivery_batches').selectAll().execute()).toEqual([]);
  });

  it('honours the trail EventRW', async () => {
    seed('acct-a', ['cn-hangzhou'], 30);
    const id = await createJob('acct-a', ['cn-hangzhou'], source.events.length, 'Write');
    await engine().drain();
    expect((await job(id)).job_status).toBe(2);
    expect(sink.eventIds()).toHaveLength(10);
  });

  it('retries a failing sink with backoff and then completes', async () => {
    seed('acct-a', ['cn-hangzhou'], 20);
    const id = await createJob('acct-a', ['cn-hangzhou'], source.events.length);
    sink.failNext = 2;
    const e = engine();
    await e.drain();
    const waiting = await job(id);
    expect(waiting.job_status).toBe(1);
    expect(waiting.run_at).toBeGreaterThan(clock.now()); // backing off, not busy-looping
    const [p] = await listProgress(h.db, id);
    expect([p?.failures, p?.error_code]).toEqual([1, 'ServiceUnavailable']);
    for (let i = 0; i < 5 && (await job(id)).job_status === 1; i++) {
      clock.advance(120_000);
      await e.drain();
    }
    expect((await job(id)).job_status).toBe(2);
    expect(new Set(sink.eventIds()).size).toBe(20);
    // Batches acknowledged before the failure count as well as the re-sent ones.
    expect((await listProgress(h.db, id)).map((p) => p.delivered_count)).toEqual([20]);
  });

  it('fails the region with the error recorded when the sink always fails', async () => {
    seed('acct-a', ['cn-hangzhou', 'cn-shanghai'], 5);
    const id = await createJob('acct-a', ['cn-hangzhou'], source.events.length);
    sink.failAlways = new SinkError('quota exceeded', {
      code: 'WriteQuotaExceed',
      retryable: true,
    });
    const e = engine();
    for (let i = 0; i < 10 && (await job(id)).job_status < 2; i++) {
      await e.drain();
      clock.advance(120_000);
    }
    const failed = await job(id);
    expect([failed.job_status, failed.state]).toEqual([3, 'Failed']);
    expect(failed.last_error).toContain('WriteQuotaExceed');
    const [p] = await listProgress(h.db, id);
    expect([p?.status, p?.failures, p?.error_code, p?.error_message]).toEqual([
      3,
      3,
      'WriteQuotaExceed',
      'quota exceeded',
    ]);
  });

  it('survives scattered transient errors: only failures in a row count', async () => {
    seed('acct-a', ['cn-hangzhou'], 200); // ~65 five-minute batches in one chunk
    const id = await createJob('acct-a', ['cn-hangzhou'], source.events.length);
    let sends = 0;
    sink.onDeliver = () => {
      if (++sends % 4 === 0) throw new SinkError('reset', { code: 'ECONNRESET', retryable: true });
    };
    const e = engine('engine-1', { chunkSize: 200 });
    for (let i = 0; i < 200 && (await job(id)).job_status < 2; i++) {
      await e.drain();
      clock.advance(120_000);
    }
    // Far more failed sends than the budget of 3, but never 3 attempts in a row without progress.
    expect(sends / 4).toBeGreaterThan(options.maxFailures * 3);
    expect((await job(id)).job_status).toBe(2);
    expect(new Set(sink.eventIds()).size).toBe(200);
  });

  it('fails at once on an error that cannot succeed later', async () => {
    seed('acct-a', ['cn-hangzhou'], 5);
    const id = await createJob('acct-a', ['cn-hangzhou'], source.events.length);
    sink.failAlways = new SinkError('denied', { code: 'EACCES', retryable: false });
    await engine().drain();
    expect((await job(id)).job_status).toBe(3);
    expect(sink.deliveries).toBeLessThanOrEqual(options.inFlight);
  });

  it('lets only one engine hold a job, and takes over an expired lease', async () => {
    seed('acct-a', ['cn-hangzhou'], 200);
    const id = await createJob('acct-a', ['cn-hangzhou'], source.events.length);
    const a = engine('engine-a');
    const b = engine('engine-b');
    // A claimed the job and died in the middle of it: its lease stays behind.
    const claimed = await h.db
      .updateTable('delivery_jobs')
      .set({ locked_by: 'engine-a#0', lease_expires_at: clock.now() + options.leaseMs })
      .where('id', '=', id)
      .executeTakeFirst();
    expect(Number(claimed.numUpdatedRows)).toBe(1);
    expect(await b.runOnce()).toBe(false); // leased by A
    clock.advance(options.leaseMs + 1);
    expect(await b.runOnce()).toBe(true); // expired: B takes over
    expect((await job(id)).locked_by).toBeNull();
    expect(await a.sweepOnce()).toBe(0);
    await b.drain();
    expect((await job(id)).job_status).toBe(2);
    expect(new Set(sink.eventIds()).size).toBe(200);
    expect(sink.eventIds()).toHaveLength(200);
  });

  it('counts every delivered event once after a takeover in the middle of a chunk', async () => {
    seed('acct-a', ['cn-hangzhou', 'cn-shanghai'], 200);
    const id = await createJob('acct-a', ['cn-hangzhou', 'cn-shanghai'], source.events.length);
    // A acknowledges a few batches, then hangs on the next send as a dead node would.
    let sends = 0;
    sink.onDeliver = () => {
      if (++sends > 4) return new Promise<never>(() => {});
    };
    void engine('engine-a').runOnce();
    await vi.waitFor(() => expect(sends).toBeGreaterThanOrEqual(5));
    sink.onDeliver = undefined;
    clock.advance(options.leaseMs + 1);
    const b = engine('engine-b');
    await b.drain();
    expect((await job(id)).job_status).toBe(2);
    expect(new Set(sink.eventIds()).size).toBe(400);
    const progress = await listProgress(h.db, id);
    expect(progress.map((p) => [p.region, p.delivered_count])).toEqual([
      ['cn-hangzhou', 200],
      ['cn-shanghai', 200],
    ]);
  });

  it('a chunk whose batches were all acknowledged when its checkpoint died is not sent again', async () => {
    seed('acct-a', ['cn-hangzhou'], 200);
    const id = await createJob('acct-a', ['cn-hangzhou'], source.events.length);
    // The first chunk's checkpoint transaction rolls back, as a kill inside it would: its
    // batches are marked acknowledged, the checkpoint still points before them.
    const crashing = engine('engine-a', {}, (name) => {
      if (name === 'in-checkpoint') throw new Error('killed');
    });
    await crashing.runOnce();
    expect(sink.sentEvents).toBe(options.chunkSize);
    clock.advance(options.backoffMaxMs + 1);
    await engine('engine-b').drain();
    expect((await job(id)).job_status).toBe(2);
    expect(new Set(sink.eventIds()).size).toBe(200);
    // What an SLS logstore would hold: every acknowledged event once (SLS stores resends twice).
    expect(sink.sentEvents).toBe(200);
    expect((await listProgress(h.db, id)).map((p) => p.delivered_count)).toEqual([200]);
  });

  it('stops a job at a batch boundary, and a retry resumes it from its checkpoints', async () => {
    seed('acct-a', ['cn-hangzhou'], 200);
    const id = await createJob('acct-a', ['cn-hangzhou'], source.events.length);
    const e = engine('engine-1', { sliceMs: 0 }); // one chunk per claim
    const control = { db: h.db, accountId: 'acct-a', now: clock.now() };
    expect(await e.runOnce()).toBe(true);
    const first = sink.eventIds().length;
    expect(first).toBeGreaterThan(0);
    // The counters move with the run (the total is counted in the database, empty here).
    const midway = await jobProgress(h.db, await job(id), clock.now());
    expect(midway).toMatchObject({ deliveredEvents: first, failedEvents: 0 });
    expect(midway.batches).toBeGreaterThan(0);
    expect(midway.regions.map((r) => r.deliveredEvents)).toEqual([first]);
    await stopDeliveryJob(control, id);
    expect([(await job(id)).job_status, (await job(id)).state]).toEqual([3, 'Stopped']);
    expect(await e.runOnce()).toBe(false); // nothing to claim
    expect(sink.eventIds()).toHaveLength(first);

    await retryDeliveryJob(control, id);
    expect([(await job(id)).job_status, (await job(id)).state]).toEqual([0, 'Queued']);
    await e.drain();
    expect((await job(id)).job_status).toBe(2);
    expect(new Set(sink.eventIds()).size).toBe(200);
    // Resumed, not restarted: no batch was sent twice.
    expect(sink.deliveries).toBe(sink.delivered.size);
    expect((await listProgress(h.db, id)).map((p) => p.delivered_count)).toEqual([200]);
  });

  it('abandons a deleted job at the next batch boundary', async () => {
    seed('acct-a', ['cn-hangzhou'], 200);
    const id = await createJob('acct-a', ['cn-hangzhou'], source.events.length);
    const e = engine();
    sink.onDeliver = () => {
      sink.onDeliver = undefined;
      void h.db
        .updateTable('delivery_jobs')
        .set({ deleted_at: clock.now() })
        .where('id', '=', id)
        .execute();
    };
    await e.drain();
    const row = await job(id);
    expect(row.deleted_at).not.toBeNull();
    expect(row.job_status).toBe(1); // never finished: the worker let go of it
    expect(sink.eventIds().length).toBeLessThan(200);
  });

  it('rotates between jobs slice by slice', async () => {
    seed('acct-a', ['cn-hangzhou'], 500);
    seed('acct-b', ['cn-hangzhou'], 100);
    const big = await createJob('acct-a', ['cn-hangzhou'], source.events.length);
    const small = await createJob('acct-b', ['cn-hangzhou'], source.events.length);
    const e = engine();
    const order: Array<string | undefined> = [];
    for (let i = 0; i < 4; i++) {
      await e.runOnce();
      order.push(sink.lastAccount);
      clock.advance(1);
    }
    // One chunk of the big job, then one of the small one: the small job is not starved.
    expect(order).toEqual(['acct-a', 'acct-b', 'acct-a', 'acct-b']);
    await e.drain();
    expect((await job(small)).job_status).toBe(2);
    expect((await job(big)).job_status).toBe(2);
  });

  it('gives a job back at once when the engine stops mid-slice', async () => {
    seed('acct-a', ['cn-hangzhou'], 300);
    const id = await createJob('acct-a', ['cn-hangzhou'], source.events.length);
    const e = engine('stopping', { sliceMs: 60_000 });
    let stopping: Promise<void> | undefined;
    sink.onDeliver = () => {
      sink.onDeliver = undefined;
      stopping = e.stop();
    };
    await e.runOnce();
    await stopping;
    const row = await job(id);
    expect([row.job_status, row.locked_by]).toEqual([1, null]);
    // Another engine continues right away, without waiting for the lease to expire.
    await engine('next').drain();
    expect((await job(id)).job_status).toBe(2);
    expect(new Set(sink.eventIds()).size).toBe(300);
  });

  it('a graceful stop lets the sends in flight finish and checkpoints them: nothing sent twice', async () => {
    seed('acct-a', ['cn-hangzhou'], 300);
    const id = await createJob('acct-a', ['cn-hangzhou'], source.events.length);
    const e = engine('graceful', { sliceMs: 60_000 });
    let stopping: Promise<void> | undefined;
    sink.onDeliver = () => {
      stopping ??= e.stop({ graceMs: 5_000 });
      // Slow acknowledgements: the stop arrives while batches are in flight.
      return new Promise((r) => setTimeout(r, 30));
    };
    await e.runOnce();
    await stopping;
    const inFlight = sink.deliveries;
    expect(inFlight).toBeLessThanOrEqual(options.inFlight); // no new batch after the stop
    const row = await job(id);
    expect([row.job_status, row.locked_by]).toEqual([1, null]);
    sink.onDeliver = undefined;
    await engine('next').drain();
    expect((await job(id)).job_status).toBe(2);
    // What was in flight at the stop was acknowledged and checkpointed, so never sent again.
    expect(new Set(sink.eventIds()).size).toBe(300);
    expect(sink.sentEvents).toBe(300);
  });
});
