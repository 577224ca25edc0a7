import { describe, expect, it } from 'vitest';
import { outageRound } from '../campaigns/outage/outage-round.js';
import { phaseFigures } from '../campaigns/outage/rss.js';
import { TEST_DB } from '../helpers/test-database.js';

/**
 * The fast version of the outage campaign (issue 16 item 3, `npm run campaign:outage`): a real
 * `serve` delivering live to `opentrail dev sls` while dev sls is stopped and ~125 MiB of events
 * arrive through the ingest API. The events must wait in the database, not in memory: the
 * server's RSS (from /proc) may not grow with what arrived, and once SLS is back every event is
 * in the logstore once. A warm-up with SLS up comes first, so the heap and SQLite's page cache
 * have already grown to what ingesting that traffic needs. The heap's saw-tooth (tens of MiB
 * with 4 MiB requests) makes any single peak meaningless: the test fits RSS against the MiB
 * arrived over the whole outage instead.
 * SQLite only: with PostgreSQL the waiting events are in another process altogether.
 */
describe.runIf(TEST_DB === 'sqlite' && process.platform === 'linux')(
  'live delivery while SLS is down',
  () => {
    it('keeps memory flat while events pile up, then delivers every one once', async () => {
      const r = await outageRound({
        perRequest: 1000,
        eventBytes: 4096,
        intervalMs: 0,
        // 4 MiB a request: ~125 MiB in each phase. With half that, the heap's saw-tooth alone once
        // tilted the fitted slope to 0.66 on a CI run (outage peak no higher than the warm-up's).
        minRequests: 32,
        minMs: 0,
        warmupMs: 0,
        // Retried several times while down: a retry that re-read the backlog would show here.
        minFailures: 3,
        sampleMs: 200,
        // Small chunks, so what one attempt holds (a chunk) is far below what arrives.
        delivery: { chunkSize: 500, backoffBaseMs: 200, backoffMaxMs: 2000 },
        recoveryTimeoutMs: 120_000,
      });
      const arrivedMb = r.outage.bytes / 2 ** 20;
      const figures = JSON.stringify({
        arrivedMb,
        slope: r.rssPerArrivedMb,
        warmup: phaseFigures(r.samples, 'warmup', 'rssMb'),
        outage: phaseFigures(r.samples, 'outage', 'rssMb'),
        failures: r.failures.count,
      });
      expect(arrivedMb).toBeGreaterThan(120);
      expect(r.failures.count).toBeGreaterThanOrEqual(3);
      // Held in memory, each event would cost at least its own size (a slope of 1 or more).
      expect(r.rssPerArrivedMb, figures).toBeLessThan(0.5);
      expect([r.lost, r.duplicates]).toEqual([0, 0]);
      expect(r.delivered).toBe(r.warmup.events + r.outage.events);
    }, 300_000);
  },
);
