import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openTestDatabase } from '../../../test/helpers/test-database.js';
import type { DatabaseHandle } from '../../db/open-database.js';
import { insertAccount } from '../../db/repositories/accounts.repository.js';
import { listProgress } from '../../db/repositories/delivery-progress.repository.js';
import { ManualClock } from '../../lib/clock.js';
import { insertTestHistoryJob, testEngine } from '../testing/engine-fixture.js';
import { MemoryEventSource } from '../testing/memory-event-source.js';
import { RecordingSink } from '../testing/recording-sink.js';
import { DEFAULT_ENGINE_OPTIONS, type EngineOptions } from './engine-options.js';

const T0 = Date.UTC(2026, 10, 25, 0, 0, 0);
const DAY = 86_400_000;

/**
 * Acknowledgements of batches whose re-send replaces the first copy (file sink, OSS) are
 * recorded per chunk, not per batch (src/jobs/tasks/send-planned.ts); those of other batches
 * (SLS) one by one.
 */
describe('the chunk pipeline', () => {
  let h: DatabaseHandle;
  let clock: ManualClock;
  let source: MemoryEventSource;
  let sink: RecordingSink;
  const options: EngineOptions = {
    ...DEFAULT_ENGINE_OPTIONS,
    sliceMs: 0,
    chunkSize: 60,
    inFlight: 1,
    maxFailures: 5,
    historyFileCap: { maxEvents: 5, maxBytes: 2 ** 20 }, // 12 batches per chunk
  };
  const engine = (owner: string) => testEngine({ h, clock, source, sink, options }, owner);

  beforeEach(async () => {
    h = await openTestDatabase();
    clock = new ManualClock(T0);
    source = new MemoryEventSource();
    sink = new RecordingSink();
    await insertAccount(h.db, { id: 'acct-a', created_at: T0 });
    for (let i = 0; i < 60; i++) {
      source.add({
        accountId: 'acct-a',
        region: 'cn-hangzhou',
        eventRW: 'Read',
        eventTime: T0 - 10 * DAY + i * 1000,
      });
    }
  });
  afterEach(() => h.close());

  const createJob = () =>
    insertTestHistoryJob(h, clock.now(), {
      accountId: 'acct-a',
      regions: ['cn-hangzhou'],
      cutoffSeq: source.events.length,
    });
  const acked = async () =>
    (await h.db.selectFrom('delivery_batches').select('acked').execute()).filter((b) => b.acked)
      .length;
  const status = async (id: number) =>
    (
      await h.db
        .selectFrom('delivery_jobs')
        .select('job_status')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).job_status;

  describe('acknowledgements per chunk for overwriting batches', () => {
    for (const overwrites of [true, false]) {
      it(`a node dying mid-chunk: ${overwrites ? 'the whole chunk is sent again' : 'only the unacknowledged batches are sent again'}`, async () => {
        sink.overwrites = overwrites;
        const id = await createJob();
        let sends = 0;
        sink.onDeliver = () => {
          if (++sends > 4) return new Promise<never>(() => {}); // hangs as a dead node would
        };
        void engine('engine-a').runOnce();
        await vi.waitFor(() => expect(sends).toBe(5));
        // What the dead node left in the database: nothing, or each acknowledgement.
        expect(await acked()).toBe(overwrites ? 0 : 4);
        sink.onDeliver = undefined;
        clock.advance(options.leaseMs + 1);
        await engine('engine-b').drain();
        expect(await status(id)).toBe(2);
        const firstFour = sink.sends.slice(0, 4);
        const resent = sink.sends.slice(4).filter((name) => firstFour.includes(name));
        expect(resent).toHaveLength(overwrites ? 4 : 0);
        // Same names: the re-sent batches replaced their first copies.
        expect(new Set(sink.sends).size).toBe(12);
        expect(new Set(sink.eventIds()).size).toBe(60);
        expect((await listProgress(h.db, id)).map((p) => p.delivered_count)).toEqual([60]);
      });
    }

    it('a failed send records the acknowledged batches at once: the retry sends only the rest', async () => {
      sink.overwrites = true;
      const id = await createJob();
      let sends = 0;
      sink.onDeliver = () => {
        if (++sends === 4) throw new Error('disk hiccup');
      };
      await engine('engine-a').runOnce();
      expect(await acked()).toBe(3);
      clock.advance(60_000);
      await engine('engine-a').drain();
      expect(await status(id)).toBe(2);
      // 3 acknowledged, the 4th failed before reaching the sink, then the 9 left: nothing went
      // twice (unrecorded acknowledgements would have sent the first 3 again).
      expect(sink.sends).toHaveLength(12);
      expect(new Set(sink.sends).size).toBe(12);
      expect(new Set(sink.eventIds()).size).toBe(60);
    });
  });

  describe('read-ahead of history chunks', () => {
    it('reads and prepares the next chunk while the current one is sent, and reads it once', async () => {
      for (let i = 60; i < 150; i++) {
        source.add({
          accountId: 'acct-a',
          region: 'cn-hangzhou',
          eventRW: 'Read',
          eventTime: T0 - 10 * DAY + i * 1000,
        });
      }
      const id = await createJob();
      const log: string[] = [];
      const scan = source.scan.bind(source);
      source.scan = async (filter, afterSeq, limit) => {
        log.push(`scan ${afterSeq}`);
        return scan(filter, afterSeq, limit);
      };
      sink.onDeliver = async () => {
        await new Promise((r) => setTimeout(r, 5)); // a write and its fsync take a while
        log.push('sent');
      };
      await engine('engine-a').drain();
      expect(await status(id)).toBe(2);
      expect(new Set(sink.eventIds()).size).toBe(150);
      // Chunks of 60: the scans after 60 and 120 start before the chunk before them is sent…
      const firstSent = log.indexOf('sent');
      expect(log.indexOf('scan 60')).toBeLessThan(firstSent + 12);
      expect(log.indexOf('scan 60')).toBeGreaterThan(-1);
      expect(log.indexOf('scan 120')).toBeLessThan(log.lastIndexOf('sent') - 6);
      // …and each is read once: the chunk read ahead is the one planned next.
      expect(log.filter((l) => l.startsWith('scan'))).toEqual([
        'scan 0',
        'scan 60',
        'scan 120',
        'scan 150',
      ]);
    });
  });
});
