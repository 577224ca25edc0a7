import type { DatabaseHandle } from '../../db/open-database.js';
import { insertDeliveryJob } from '../../db/repositories/delivery-jobs.repository.js';
import type { ManualClock } from '../../lib/clock.js';
import { createLogger } from '../../observability/logger.js';
import type { Sink } from '../../sinks/sink.js';
import { type CrashPoint, noCrash } from '../crash-points.js';
import { DeliveryEngine } from '../engine/delivery-engine.js';
import type { EngineOptions } from '../engine/engine-options.js';
import type { EventSource } from '../event-source.js';

/**
 * The engine unit tests' rig: one DeliveryEngine on a test database, an in-memory event source
 * and one sink for every destination, a manual clock and a fixed random (backoff is exact).
 */
export interface EngineRig {
  h: DatabaseHandle;
  clock: ManualClock;
  source: EventSource;
  sink: Sink;
  options: EngineOptions;
}

export function testEngine(
  rig: EngineRig,
  owner = 'engine-1',
  crashPoint: CrashPoint = noCrash,
): DeliveryEngine {
  return new DeliveryEngine({
    crashPoint,
    db: rig.h.db,
    capabilities: rig.h.dialect.capabilities,
    clock: rig.clock,
    logger: createLogger('silent'),
    events: rig.source,
    sinkFor: () => rig.sink,
    options: rig.options,
    owner,
    random: () => 0.5,
  });
}

const DAY = 86_400_000;

/**
 * A queued history job of trail-one (home cn-hangzhou) to one OSS destination, as
 * CreateDeliveryHistoryJob would store it: the last 90 days, up to `cutoffSeq`.
 */
export function insertTestHistoryJob(
  h: DatabaseHandle,
  now: number,
  job: { accountId: string; regions: string[]; cutoffSeq: number; eventRW?: string },
): Promise<number> {
  const destinations = [{ key: 'oss', destination: { kind: 'oss', bucket: 'audit', prefix: '' } }];
  return insertDeliveryJob(
    h.db,
    {
      account_id: job.accountId,
      trail_name: 'trail-one',
      home_region: 'cn-hangzhou',
      event_rw: job.eventRW ?? 'All',
      regions_json: JSON.stringify(job.regions),
      destinations_json: JSON.stringify(destinations),
      job_status: 0,
      state: 'Queued',
      client_token: null,
      request_fingerprint: null,
      created_at: now,
      updated_at: now,
      window_start: now - 90 * DAY,
      window_end: now + 5 * 60_000,
      cutoff_seq: job.cutoffSeq,
      run_at: now,
    },
    job.regions.map((region) => ({ region, destination: 'oss', status: 0, updated_at: now })),
  );
}
