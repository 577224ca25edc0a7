import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../test/helpers/test-database.js';
import type { DatabaseHandle } from '../db/open-database.js';
import { insertAccount } from '../db/repositories/accounts.repository.js';
import { insertDeliveryJob } from '../db/repositories/delivery-jobs.repository.js';
import { insertEvents } from '../db/repositories/events.repository.js';
import { RetentionHolds, RetentionPurger } from '../domain/events/retention.js';
import { ManualClock } from '../lib/clock.js';
import { DAY_MS } from '../lib/time.js';
import { deliveryJobsHold } from './delivery-hold.js';

const NOW = Date.UTC(2026, 10, 25);

describe('the delivery jobs retention hold', () => {
  let h: DatabaseHandle;
  const clock = new ManualClock(NOW);

  beforeEach(async () => {
    h = await openTestDatabase();
    await insertAccount(h.db, { id: 'acct', created_at: NOW });
  });
  afterEach(() => h.close());

  async function job(
    status: number,
    checkpoints: Array<[number, number]>,
    extra: { deleted?: boolean; finishedAt?: number } = {},
  ) {
    const id = await insertDeliveryJob(
      h.db,
      {
        account_id: 'acct',
        trail_name: 't',
        home_region: 'cn-hangzhou',
        job_status: status,
        state: 'Running',
        client_token: null,
        request_fingerprint: null,
        created_at: NOW,
        updated_at: NOW,
        window_start: NOW - 90 * DAY_MS,
        window_end: NOW,
        cutoff_seq: 1000,
        run_at: NOW,
        deleted_at: extra.deleted ? NOW : null,
        finished_at: extra.finishedAt ?? null,
      },
      checkpoints.map(([checkpoint_seq, s], i) => ({
        region: `r${i}`,
        destination: 'oss',
        status: s,
        checkpoint_seq,
        updated_at: NOW,
      })),
    );
    return id;
  }

  it('needs everything after the lowest checkpoint of unfinished streams', async () => {
    const hold = deliveryJobsHold(h.db, clock);
    expect(await hold.lowestNeeded()).toBeUndefined();
    await job(2, [[5, 2]]); // finished jobs need nothing
    await job(
      1,
      [
        [40, 1],
        [500, 2],
      ],
      { deleted: true },
    ); // deleted ones neither
    expect(await hold.lowestNeeded()).toBeUndefined();
    await job(1, [
      [30, 1],
      [12, 2],
      [20, 0],
    ]);
    expect(await hold.lowestNeeded()).toEqual({ seq: 21 });
  });

  it("keeps a failed job's undelivered range for 30 days after it ended", async () => {
    const hold = deliveryJobsHold(h.db, clock);
    await job(3, [[7, 3]], { finishedAt: NOW - 29 * DAY_MS });
    expect(await hold.lowestNeeded()).toEqual({ seq: 8 });
    clock.advance(2 * DAY_MS);
    expect(await hold.lowestNeeded()).toBeUndefined();
    clock.set(NOW);
  });

  it('stops the purge from deleting events a running job still needs', async () => {
    const old = (i: number) => ({
      eventId: `old-${i}`,
      eventName: 'X',
      serviceName: 'Ecs',
      acsRegion: 'cn-hangzhou',
      eventTime: new Date(NOW - 100 * DAY_MS + i * 1000).toISOString().replace('.000Z', 'Z'),
    });
    await insertEvents(
      h.db,
      'acct',
      Array.from({ length: 10 }, (_, i) => old(i)),
    );
    await job(1, [[4, 1]]); // delivered up to seq 4
    const holds = new RetentionHolds();
    holds.register(deliveryJobsHold(h.db, clock));
    const report = await new RetentionPurger({
      db: h.db,
      clock,
      retentionDays: 90,
      holds,
    }).purgeOnce();
    expect(report.deleted).toBe(4);
    expect(report.heldBack).toBe(6);
    const left = await h.db.selectFrom('events').select('seq').orderBy('seq').execute();
    expect(left.map((r) => Number(r.seq))).toEqual([5, 6, 7, 8, 9, 10]);
  });
});
