import type { Kysely } from 'kysely';
import { lockAccountForWrite } from '../../db/repositories/accounts.repository.js';
import { safeHorizon } from '../../db/repositories/events.repository.js';
import {
  deleteLiveStreams,
  endLiveStreams,
  insertLiveStream,
  listTrailsWithoutLiveStream,
} from '../../db/repositories/live-streams.repository.js';
import { findTrail } from '../../db/repositories/trails.repository.js';
import type { Database } from '../../db/schema.js';
import { destinationsOf, regionsOf } from '../delivery-jobs/job-scope.js';
import { type Trail, toTrail } from './trail.js';

/**
 * A logging trail's live delivery (docs/delivery.md "Live delivery"): one live stream (a leased
 * engine job) per trail covering every sequence after `fromSeq`. Each change happens inside the
 * caller's transaction, so the stream and the trail's state never disagree.
 */
export async function beginLiveDelivery(
  trx: Kysely<Database>,
  trail: Trail,
  configuredRegions: readonly string[],
  fromSeq: number,
  now: number,
): Promise<boolean> {
  // MaxCompute is stored but never delivered to (decisions §4): no stream without SLS or OSS.
  const destinations = destinationsOf(trail);
  if (destinations.length === 0) return false;
  await insertLiveStream(trx, {
    accountId: trail.accountId,
    trailName: trail.name,
    homeRegion: trail.homeRegion,
    eventRW: trail.eventRW,
    regions: regionsOf(trail, configuredRegions),
    destinations,
    fromSeq,
    now,
  });
  return true;
}

/**
 * StopLogging: the stream still delivers everything up to the safe horizon of this moment (the
 * events that arrived while the trail logged), then ends at that batch boundary.
 */
export async function endLiveDelivery(
  trx: Kysely<Database>,
  trail: Pick<Trail, 'accountId' | 'name'>,
  now: number,
): Promise<number> {
  const horizon = await safeHorizon(trx);
  await endLiveStreams(trx, trail.accountId, trail.name, horizon, now);
  return horizon;
}

/**
 * UpdateTrail on a logging trail: the old stream ends at the horizon and a new one with the new
 * scope and destinations starts right after it, so no sequence is delivered by both or neither.
 */
export async function handOverLiveDelivery(
  trx: Kysely<Database>,
  trail: Trail,
  configuredRegions: readonly string[],
  now: number,
): Promise<void> {
  const horizon = await endLiveDelivery(trx, trail, now);
  await beginLiveDelivery(trx, trail, configuredRegions, horizon, now);
}

/** DeleteTrail ends its live delivery at once. */
export function dropLiveDelivery(
  trx: Kysely<Database>,
  accountId: string,
  trailName: string,
  now: number,
): Promise<void> {
  return deleteLiveStreams(trx, accountId, trailName, now);
}

/**
 * At start-up: a trail that logs but has no following live stream (it started logging before
 * this version delivered live) gets one from its `live_start_seq`, so everything since its
 * StartLogging is delivered. Under the account's write lock and checked again there, so two
 * nodes starting at once create one stream. Returns how many were created.
 */
export async function resumeLiveDelivery(
  db: Kysely<Database>,
  configuredRegions: readonly string[],
  now: number,
): Promise<number> {
  let created = 0;
  for (const candidate of await listTrailsWithoutLiveStream(db)) {
    created += await db.transaction().execute(async (trx) => {
      await lockAccountForWrite(trx, candidate.account_id);
      const still = await listTrailsWithoutLiveStream(trx, candidate.account_id);
      if (!still.some((t) => t.name === candidate.name)) return 0;
      const row = await findTrail(trx, candidate.account_id, candidate.name);
      if (!row) return 0;
      const trail = toTrail(row);
      const from = trail.liveStartSeq ?? (await safeHorizon(trx));
      return (await beginLiveDelivery(trx, trail, configuredRegions, from, now)) ? 1 : 0;
    });
  }
  return created;
}
