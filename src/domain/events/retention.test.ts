import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BASE_TIME, type SampleEvent, sampleEvent } from '../../../test/helpers/sample-events.js';
import { openTestDatabase } from '../../../test/helpers/test-database.js';
import type { DatabaseHandle } from '../../db/open-database.js';
import { insertEvents } from '../../db/repositories/events.repository.js';
import { ManualClock } from '../../lib/clock.js';
import { DAY_MS } from '../../lib/time.js';
import { RetentionHolds, RetentionPurger } from './retention.js';

const A = '1000000000000001';
const B = '1000000000000002';
const NOW = BASE_TIME + 200 * DAY_MS;
const ago = (days: number, ms = 0) => NOW - days * DAY_MS + ms;

describe('event retention', () => {
  let handle: DatabaseHandle;
  let clock: ManualClock;
  let holds: RetentionHolds;
  let purger: RetentionPurger;
  /** label → event, inserted in label order (so seq follows it). */
  const events: Record<string, SampleEvent> = {};

  beforeEach(async () => {
    handle = await openTestDatabase();
    clock = new ManualClock(NOW);
    holds = new RetentionHolds();
    purger = new RetentionPurger({ db: handle.db, clock, retentionDays: 90, holds, batchSize: 3 });
    const add = (label: string, time: number) => {
      events[label] = sampleEvent(time, { resourceName: `r-${label}` });
    };
    // Seven expired events (more than two batches), then the boundary and the kept ones.
    for (let i = 0; i < 7; i++) add(`old${i}`, ago(120 - i));
    add('justExpired', ago(90, -1));
    add('boundary', ago(90));
    add('kept', ago(89));
    add('new', ago(0));
    await insertEvents(handle.db, A, Object.values(events));
    await insertEvents(handle.db, B, [sampleEvent(ago(95)), sampleEvent(ago(10))]);
  });
  afterEach(async () => {
    await handle.close();
  });

  const remaining = async (accountId: string) =>
    (
      await handle.db
        .selectFrom('events')
        .select('event_id')
        .where('account_id', '=', accountId)
        .orderBy('seq')
        .execute()
    ).map((r) => Object.keys(events).find((l) => events[l]?.eventId === r.event_id) ?? r.event_id);
  const seqOf = async (label: string) =>
    Number(
      (
        await handle.db
          .selectFrom('events')
          .select('seq')
          .where('event_id', '=', String(events[label]?.eventId))
          .executeTakeFirstOrThrow()
      ).seq,
    );

  it('removes exactly the events older than the retention, in every account', async () => {
    const report = await purger.purgeOnce();
    expect(report).toEqual({ expiredBefore: ago(90), deleted: 9, heldBack: 0, holds: [] });
    expect(await remaining(A)).toEqual(['boundary', 'kept', 'new']);
    expect(await remaining(B)).toHaveLength(1);
    const resources = await handle.db
      .selectFrom('event_resources')
      .select('resource_name')
      .where('account_id', '=', A)
      .orderBy('seq')
      .execute();
    expect(resources.map((r) => r.resource_name)).toEqual(['r-boundary', 'r-kept', 'r-new']);
    // Nothing more to do until time passes.
    expect((await purger.purgeOnce()).deleted).toBe(0);
    clock.advance(1);
    expect((await purger.purgeOnce()).deleted).toBe(1);
    expect(await remaining(A)).toEqual(['kept', 'new']);
  });

  it('keeps every event from the sequence a hold still needs, and says how many', async () => {
    const needed = await seqOf('old4');
    const release = holds.register({ name: 'job-1', lowestNeeded: async () => ({ seq: needed }) });
    const report = await purger.purgeOnce();
    // Held back: old4-6 and justExpired of A, and B's expired event (its seq is higher too).
    expect(report).toMatchObject({ deleted: 4, heldBack: 5, holds: ['job-1'] });
    expect(await remaining(A)).toEqual([
      'old4',
      'old5',
      'old6',
      'justExpired',
      'boundary',
      'kept',
      'new',
    ]);
    expect(await remaining(B)).toHaveLength(2);
    release();
    expect(await purger.purgeOnce()).toMatchObject({ deleted: 5, heldBack: 0, holds: [] });
    expect(await remaining(A)).toEqual(['boundary', 'kept', 'new']);
  });

  it('keeps every event from the time a hold still needs; the lowest need of all holds wins', async () => {
    holds.register({ name: 'live', lowestNeeded: async () => ({ time: ago(100) }) });
    holds.register({ name: 'job-2', lowestNeeded: async () => ({ time: ago(117) }) });
    holds.register({ name: 'idle', lowestNeeded: async () => undefined });
    const report = await purger.purgeOnce();
    // old0-2 are older than 117 days; old3 (exactly 117) onwards is needed.
    expect(report).toMatchObject({ deleted: 3, heldBack: 6, holds: ['live', 'job-2'] });
    expect(await remaining(A)).toEqual([
      'old3',
      'old4',
      'old5',
      'old6',
      'justExpired',
      'boundary',
      'kept',
      'new',
    ]);
    expect(await remaining(B)).toHaveLength(2);
  });

  it('deletes nothing when a hold cannot say what it needs', async () => {
    holds.register({
      name: 'broken',
      lowestNeeded: async () => {
        throw new Error('engine unreachable');
      },
    });
    await expect(purger.purgeOnce()).rejects.toThrow('engine unreachable');
    expect(await remaining(A)).toHaveLength(11);
  });
});
