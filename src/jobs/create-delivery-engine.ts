import type { Config } from '../config/config.js';
import type { DatabaseHandle } from '../db/open-database.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { createSink, sinkOptionsFromConfig } from '../sinks/create-sink.js';
import { crashPointsFrom } from './crash-points.js';
import { DeliveryEngine, type JobSteering } from './engine/delivery-engine.js';
import { DEFAULT_ENGINE_OPTIONS } from './engine/engine-options.js';
import { storeEventSource } from './store-event-source.js';

/** Wires the engine to the event store, the configured sinks and the configured limits. */
export function createDeliveryEngine(deps: {
  config: Config;
  handle: DatabaseHandle;
  clock: Clock;
  logger: Logger;
  metrics?: Metrics | undefined;
  /** Emulator mode only: the test hooks' hold and fail controls. */
  steering?: JobSteering | undefined;
}): DeliveryEngine {
  const { config, handle } = deps;
  const sink = createSink(sinkOptionsFromConfig(config));
  return new DeliveryEngine({
    db: handle.db,
    capabilities: handle.dialect.capabilities,
    clock: deps.clock,
    logger: deps.logger,
    events: storeEventSource(handle.db),
    sinkFor: () => sink,
    watchNewJobs: (wake, onError) => handle.watchNewJobs(wake, onError),
    options: {
      ...DEFAULT_ENGINE_OPTIONS,
      workers: config.delivery.workers,
      pollMs: config.delivery.pollMs,
      leaseMs: config.delivery.leaseSeconds * 1000,
      sliceMs: config.delivery.sliceMs,
      chunkSize: config.delivery.chunkSize,
      inFlight: config.delivery.inFlight,
      maxFailures: config.delivery.maxFailures,
      liveFlushMs: config.delivery.liveFlushMs,
      liveFlushEvents: config.delivery.liveFlushEvents,
      historyFileCap: {
        ...DEFAULT_ENGINE_OPTIONS.historyFileCap,
        maxEvents: config.delivery.historyFileEvents,
      },
      readAhead: config.delivery.readAhead,
      // A live stream with nothing new looks again as often as an idle worker polls.
      liveIdleMs: config.delivery.pollMs,
    },
    crashPoint: crashPointsFrom(config.testing.crashAt),
    metrics: deps.metrics,
    steering: deps.steering,
  });
}
