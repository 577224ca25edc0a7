import type { AppServices } from './api/actions/action.js';
import type { Config } from './config/config.js';
import type { DatabaseHandle } from './db/open-database.js';
import { metricSourcesOf } from './db/repositories/metrics.repository.js';
import { AccessKeyCache } from './domain/accounts/access-key-cache.js';
import type { DevControls } from './domain/emulator/dev-controls.js';
import { readinessProbe } from './domain/operations/readiness.js';
import { createDeliveryEngine } from './jobs/create-delivery-engine.js';
import type { DeliveryEngine } from './jobs/engine/delivery-engine.js';
import type { Clock } from './lib/clock.js';
import type { Logger } from './observability/logger.js';
import { Metrics } from './observability/metrics.js';

/**
 * What one process serves with: metrics over the database, the delivery engine (not started;
 * steered by the dev controls in emulator mode) and the readiness probe. `serve` and the
 * in-process test app both build them here, so the tests run what the server runs.
 */
export function createAppServices(o: {
  config: Config;
  handle: DatabaseHandle;
  /** The service's time (shifted by the dev clock hook); `wallClock` stays real for signatures. */
  clock: Clock;
  wallClock: Clock;
  logger: Logger;
  dev?: DevControls | undefined;
  /** Node's own process figures too: only for `serve`, one per process. */
  processMetrics?: boolean;
  /** The access-key cache's TTL (tests lengthen it to show that invalidation alone works). */
  keyCacheTtlMs?: number;
}): { services: AppServices; engine: DeliveryEngine; metrics: Metrics } {
  const { config, handle, clock, logger, dev } = o;
  const metrics = new Metrics({ processMetrics: o.processMetrics === true });
  metrics.observe(metricSourcesOf(handle));
  const engine = createDeliveryEngine({ config, handle, clock, logger, metrics, steering: dev });
  dev?.attachEngine(engine);
  const services: AppServices = {
    config,
    db: handle.db,
    clock,
    wallClock: o.wallClock,
    logger,
    accessKeys: new AccessKeyCache(handle.db, {
      generation: () => handle.accessKeyGeneration(),
      ttlMs: o.keyCacheTtlMs,
    }),
    deliveryEngine: engine,
    metrics,
    dev,
    readiness: readinessProbe({ handle, engine, engineEnabled: config.delivery.workers > 0 }),
  };
  return { services, engine, metrics };
}
