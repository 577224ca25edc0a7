import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { LeasedJob } from '../../db/repositories/delivery-leases.repository.js';
import { finishJob } from '../../db/repositories/delivery-leases.repository.js';
import {
  listProgress,
  type ProgressRow,
} from '../../db/repositories/delivery-progress.repository.js';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import type { Metrics } from '../../observability/metrics.js';
import type { Destination, Sink } from '../../sinks/sink.js';
import type { CrashPoint } from '../crash-points.js';
import type { JobSteering } from '../engine/delivery-engine.js';
import type { EngineOptions } from '../engine/engine-options.js';
import type { EventSource } from '../event-source.js';
import type { ChunkReadAhead } from './read-ahead.js';
import { LeaseLost, must, runStreamChunk } from './stream-runner.js';

export interface SliceContext {
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  events: EventSource;
  sinkFor(destination: Destination): Sink;
  options: EngineOptions;
  owner: string;
  signal: AbortSignal;
  /** A graceful stop: start nothing new, let the sends in flight finish and checkpoint. */
  draining?: AbortSignal;
  random?: () => number;
  crashPoint?: CrashPoint;
  metrics?: Metrics | undefined;
  steering?: JobSteering | undefined;
  /** The engine's read-ahead of history chunks (src/jobs/tasks/read-ahead.ts); none in tests. */
  readAhead?: ChunkReadAhead | undefined;
}

/** What the engine does with the job after one slice. */
export type SliceOutcome =
  | { kind: 'continue' }
  | { kind: 'retry'; at: number }
  | { kind: 'finished' }
  | { kind: 'lost' };

/**
 * One slice of a historical delivery job: one chunk of one (region, destination) stream. Small
 * slices let the engine rotate between jobs batch by batch, so one huge job never starves
 * another account's.
 */
export async function runDeliverySlice(job: LeasedJob, ctx: SliceContext): Promise<SliceOutcome> {
  const started = ctx.clock.now();
  for (;;) {
    const outcome = await runOneChunk(job, ctx);
    if (
      outcome.kind !== 'continue' ||
      ctx.clock.now() - started >= ctx.options.sliceMs ||
      ctx.draining?.aborted
    ) {
      return outcome;
    }
  }
}

async function runOneChunk(job: LeasedJob, ctx: SliceContext): Promise<SliceOutcome> {
  try {
    const rows = await listProgress(ctx.db, job.id);
    const open = rows.filter((r) => r.status === 0 || r.status === 1);
    if (open.length === 0) {
      const failed = rows.filter((r) => r.status === 3);
      must(
        await finishJob(ctx.db, job.id, ctx.owner, {
          jobStatus: failed.length > 0 ? 3 : 2,
          // A live stream ends only once it has delivered up to its end (StopLogging).
          state: job.kind === 'live' ? 'Ended' : failed.length > 0 ? 'Failed' : 'Succeeded',
          lastError: failed[0]
            ? `${failed[0].region}/${failed[0].destination}: ${failed[0].error_code}`
            : null,
          now: ctx.clock.now(),
        }),
      );
      return { kind: 'finished' };
    }
    // Round-robin between the job's streams: the one served longest ago goes next. A live
    // stream with nothing to send yet passes its turn; when none has anything, the job sleeps
    // until the earliest of them may (an idle trail costs no slice meanwhile).
    let idleUntil = Number.POSITIVE_INFINITY;
    for (const row of [...open].sort((a, b) => a.updated_at - b.updated_at) as ProgressRow[]) {
      const outcome = await runStreamChunk(job, row, ctx);
      if (outcome.kind !== 'idle') return outcome;
      idleUntil = Math.min(idleUntil, outcome.at);
    }
    return { kind: 'retry', at: idleUntil };
  } catch (e) {
    if (e instanceof LeaseLost || ctx.signal.aborted) return { kind: 'lost' };
    throw e;
  }
}
