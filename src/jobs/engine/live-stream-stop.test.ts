import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../../test/helpers/test-database.js';
import type { DatabaseHandle } from '../../db/open-database.js';
import { insertAccount } from '../../db/repositories/accounts.repository.js';
import { listProgress } from '../../db/repositories/delivery-progress.repository.js';
import { endLiveStreams, insertLiveStream } from '../../db/repositories/live-streams.repository.js';
import { ManualClock } from '../../lib/clock.js';
import { testEngine } from '../testing/engine-fixture.js';
import { MemoryEventSource } from '../testing/memory-event-source.js';
import { RecordingSink } from '../testing/recording-sink.js';
import { DEFAULT_ENGINE_OPTIONS } from './engine-options.js';

const T0 = Date.UTC(2026, 10, 25, 0, 0, 0);

/**
 * [D2] StopLogging while a worker is in the middle of a live stream's slice. The worker claimed
 * the stream while it had no end; StopLogging gives it one (the horizon of that moment), and
 * events keep arriving. The stream must deliver what came before the StopLogging and nothing
 * after it, even though the slice goes on: its end is read for every chunk, not from the claim.
 */
describe('a live stream stopped during a slice', () => {
  let h: DatabaseHandle;
  beforeEach(async () => {
    h = await openTestDatabase();
    await insertAccount(h.db, { id: 'acct-a', created_at: T0 });
  });
  afterEach(() => h.close());

  it('delivers the events before StopLogging, none after, and ends', async () => {
    const clock = new ManualClock(T0);
    const source = new MemoryEventSource();
    const sink = new RecordingSink();
    const add = (n: number) => {
      for (let i = 0; i < n; i++) {
        source.add({ accountId: 'acct-a', region: 'cn-hangzhou', eventRW: 'Write', eventTime: T0 });
      }
    };
    const destinations: Array<{ key: string; destination: unknown }> = [
      {
        key: 'sls',
        destination: {
          kind: 'sls',
          project: 'audit',
          logstore: 'actiontrail_trail-one',
          region: 'cn-hangzhou',
          accountId: 'acct-a',
        },
      },
    ];
    const jobId = await insertLiveStream(h.db, {
      accountId: 'acct-a',
      trailName: 'trail-one',
      homeRegion: 'cn-hangzhou',
      eventRW: 'All',
      regions: ['cn-hangzhou'],
      destinations,
      fromSeq: 0,
      now: T0,
    });
    add(10);
    // During the first send: StopLogging at the horizon of that moment, then 10 more events.
    let stoppedAt = 0;
    sink.onDeliver = async () => {
      sink.onDeliver = undefined;
      stoppedAt = await source.horizon();
      await endLiveStreams(h.db, 'acct-a', 'trail-one', stoppedAt, clock.now());
      add(10);
    };
    const engine = testEngine({
      h,
      clock,
      source,
      sink,
      // Chunks of 3, one batch at a time, and a slice that lasts until the stream has nothing
      // left (the manual clock never reaches its end): the StopLogging lands inside the slice.
      options: { ...DEFAULT_ENGINE_OPTIONS, chunkSize: 3, inFlight: 1, sliceMs: 60_000 },
    });
    expect(await engine.runOnce()).toBe(true);
    await engine.drain();

    expect(stoppedAt).toBe(10);
    expect(sink.eventIds().sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `ev-${i + 1}`).sort(),
    );
    const job = await h.db
      .selectFrom('delivery_jobs')
      .select(['job_status', 'cutoff_seq'])
      .where('id', '=', jobId)
      .executeTakeFirstOrThrow();
    expect([job.job_status, Number(job.cutoff_seq)]).toEqual([2, 10]);
    expect((await listProgress(h.db, jobId)).map((p) => [p.status, p.delivered_count])).toEqual([
      [2, 10],
    ]);
  });
});
