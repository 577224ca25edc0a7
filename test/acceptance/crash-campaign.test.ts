import { describe, expect, it } from 'vitest';
import { historyRound, seeded } from '../campaigns/crash/crash-rounds.js';
import { importRound } from '../campaigns/crash/import-round.js';
import { TEST_DB } from '../helpers/test-database.js';

/**
 * The fast version of the crash campaign (issue 16 item 2; `npm run campaign:crash` runs 20
 * history jobs per sink, live streams and imports): a history job into the file sink, one into
 * `opentrail dev sls`, and an import, killed with SIGKILL at seeded random points and restarted
 * at once. Nothing is lost; in the file sink (OSS layout) and the event store nothing is
 * duplicated, in SLS at most the batches in flight at each kill. SQLite only, and no live
 * round, to keep the suite short: delivery-crash, live-delivery-crash and live-sls kill
 * history and live delivery at fixed points on both databases; what this adds is random
 * points and chained kills, which the full campaign runs at size.
 */
const SEED = Number(process.env.CRASH_SEED ?? 1616);

describe.runIf(TEST_DB === 'sqlite')('crash campaign (fast)', () => {
  it('a history job killed twice at random points: every event once', async () => {
    const r = await historyRound(seeded(SEED), 120, 2);
    expect(r.kills).toBeGreaterThan(0);
    expect([r.lost, r.duplicates], JSON.stringify(r)).toEqual([0, 0]);
  }, 180_000);

  it('a history job into dev sls killed twice: every event, duplicates within the batches in flight', async () => {
    const r = await historyRound(seeded(SEED + 1), 120, 2, 'sls');
    expect(r.kills).toBeGreaterThan(0);
    expect(r.lost, JSON.stringify(r)).toBe(0);
    expect(r.duplicates, JSON.stringify(r)).toBeLessThanOrEqual(r.allowedDuplicates);
  }, 180_000);

  it('an import killed part-way and run again: every event stored once', async () => {
    const r = await importRound(seeded(SEED + 2), 5_000);
    expect([r.lost, r.duplicates], JSON.stringify(r)).toEqual([0, 0]);
  }, 180_000);
});
