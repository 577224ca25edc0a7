import type { Kysely } from 'kysely';
import { lowestUndeliveredSeq } from '../db/repositories/delivery-progress.repository.js';
import type { Database } from '../db/schema.js';
import type { RetentionHold } from '../domain/events/retention.js';
import type { Clock } from '../lib/clock.js';
import { DAY_MS } from '../lib/time.js';

/**
 * decisions §3: the purge never deletes what a delivery job still has to deliver. A failed or
 * stopped job keeps its undelivered range for `keepFailedDays` after it ended (or until it is
 * deleted), so a Retry ([C2]) can still finish it.
 */
export function deliveryJobsHold(
  db: Kysely<Database>,
  clock: Clock,
  keepFailedDays = 30,
): RetentionHold {
  return {
    name: 'delivery-jobs',
    async lowestNeeded() {
      const seq = await lowestUndeliveredSeq(db, clock.now() - keepFailedDays * DAY_MS);
      return seq === undefined ? undefined : { seq };
    },
  };
}
