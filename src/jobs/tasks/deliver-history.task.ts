import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { LeasedJob } from '../../db/repositories/delivery-leases.repository.js';
import { finishJob } from '../../db/repositories/delivery-leases.repository.js';
import {
  type BatchRow,
  completeChunk,
  insertFailure,
  listProgress,
  listUnackedBatches,
  markBatchAcked,
  type ProgressRow,
  planBatches,
  recordStreamFailure,
  type StreamKey,
  setStreamStatus,
} from '../../db/repositories/delivery-progress.repository.js';
import type { Database } from '../../db/schema.js';
import type { JobDestination } from '../../domain/delivery-jobs/job-scope.js';
import type { Clock } from '../../lib/clock.js';
import {
  type BatchContent,
  type Destination,
  isSinkError,
  type PreparedBatch,
  type Sink,
} from '../../sinks/sink.js';
import { backoffDelay } from '../backoff.js';
import { batchingFor } from '../batching/batching.js';
import type { CrashPoint } from '../crash-points.js';
import type { EngineOptions } from '../engine/engine-options.js';
import type { EventSource, ScopeFilter, StoredEvent } from '../event-source.js';

export interface SliceContext {
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  events: EventSource;
  sinkFor(destination: Destination): Sink;
  options: EngineOptions;
  owner: string;
  signal: AbortSignal;
  random?: () => number;
  crashPoint?: CrashPoint;
}

/** What the engine does with the job after one slice. */
export type SliceOutcome =
  | { kind: 'continue' }
  | { kind: 'retry'; at: number }
  | { kind: 'finished' }
  | { kind: 'lost' };

class LeaseLost extends Error {}

function must(ok: boolean): void {
  if (!ok) throw new LeaseLost('lease lost or job deleted');
}

/**
 * One slice of a historical delivery job: one chunk of one (region, destination) stream. Small
 * slices let the engine rotate between jobs batch by batch, so one huge job never starves
 * another account's.
 */
export async function runDeliverySlice(job: LeasedJob, ctx: SliceContext): Promise<SliceOutcome> {
  const started = ctx.clock.now();
  for (;;) {
    const outcome = await runOneChunk(job, ctx);
    if (outcome.kind !== 'continue' || ctx.clock.now() - started >= ctx.options.sliceMs) {
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
          state: failed.length > 0 ? 'Failed' : 'Succeeded',
          lastError: failed[0]
            ? `${failed[0].region}/${failed[0].destination}: ${failed[0].error_code}`
            : null,
          now: ctx.clock.now(),
        }),
      );
      return { kind: 'finished' };
    }
    // Round-robin between the job's streams: the one served longest ago goes next.
    const row = [...open].sort((a, b) => a.updated_at - b.updated_at)[0] as ProgressRow;
    return await runStreamChunk(job, row, ctx);
  } catch (e) {
    if (e instanceof LeaseLost || ctx.signal.aborted) return { kind: 'lost' };
    throw e;
  }
}

function destinationOf(job: LeasedJob, key: string): JobDestination {
  const all = JSON.parse(job.destinations_json) as JobDestination[];
  const found = all.find((d) => d.key === key);
  if (!found) throw new Error(`job ${job.id} has no destination ${key}`);
  return found;
}

async function runStreamChunk(
  job: LeasedJob,
  row: ProgressRow,
  ctx: SliceContext,
): Promise<SliceOutcome> {
  const key: StreamKey = { jobId: job.id, region: row.region, destination: row.destination };
  const { destination, dataEvents } = destinationOf(job, row.destination);
  const sink = ctx.sinkFor(destination);
  const filter: ScopeFilter = {
    accountId: job.account_id,
    region: row.region,
    eventRW: job.event_rw as ScopeFilter['eventRW'],
    fromTime: job.window_start,
    toTime: job.window_chosen === 1 ? job.window_end : undefined,
    maxSeq: job.cutoff_seq ?? 0,
    dataEvents,
  };
  const batching = batchingFor(destination);
  const content = (events: readonly StoredEvent[], bucketStart: number): BatchContent => ({
    accountId: job.account_id,
    trailName: job.trail_name,
    region: row.region,
    destination,
    bucketStart,
    firstSeq: (events[0] as StoredEvent).seq,
    lastSeq: (events[events.length - 1] as StoredEvent).seq,
    events: events.map((e) => e.json),
  });

  let planned: Planned[];
  let chunkEnd: number;
  const pending = await listUnackedBatches(ctx.db, key);
  if (pending.length > 0) {
    // Unacknowledged batches all belong to the chunk under way: chunks complete in order.
    chunkEnd = (pending[0] as BatchRow).chunk_end_seq;
    // After a crash or a failed send: the same events again, so the same bytes and name.
    planned = [];
    for (const b of pending) {
      const events = await ctx.events.batch(filter, {
        firstSeq: b.first_seq,
        lastSeq: b.last_seq,
        ...batching.rereadRange(b.bucket_start),
      });
      if (events.length === 0) continue; // its events are gone (cannot happen under the hold)
      const prepared = await sink.prepare(content(events, b.bucket_start));
      if (prepared.objectName !== b.object_name) {
        ctx.logger.warn(
          { jobId: job.id, planned: b.object_name, now: prepared.objectName },
          'a re-planned batch changed',
        );
      }
      planned.push({ row: b, prepared });
    }
  } else {
    const events = await ctx.events.scan(filter, row.checkpoint_seq, ctx.options.chunkSize);
    if (events.length === 0) {
      must(await setStreamStatus(ctx.db, key, ctx.owner, { status: 2, now: ctx.clock.now() }));
      return { kind: 'continue' };
    }
    chunkEnd = (events[events.length - 1] as StoredEvent).seq;
    planned = [];
    let batchNo = row.next_batch_no;
    for (const group of batching.group(events)) {
      const prepared = await sink.prepare(content(group.events, group.bucketStart));
      planned.push({ row: { batch_no: batchNo++, chunk_end_seq: chunkEnd }, prepared });
    }
    const now = ctx.clock.now();
    must(
      await planBatches(
        ctx.db,
        key,
        ctx.owner,
        planned.map(({ row: r, prepared: { content: c, count, objectName, body } }) => ({
          job_id: job.id,
          region: row.region,
          destination: row.destination,
          batch_no: r.batch_no,
          chunk_end_seq: r.chunk_end_seq,
          bucket_start: c.bucketStart,
          first_seq: c.firstSeq,
          last_seq: c.lastSeq,
          event_count: count,
          object_name: objectName,
          bytes: body.length,
          created_at: now,
        })),
        now,
      ),
    );
  }
  return sendPlanned(key, chunkEnd, planned, sink, ctx);
}

/** eventTime (epoch ms) of a stored event text, for the failure list; null when unreadable. */
function eventTimeOf(json: string | undefined): number | null {
  if (json === undefined) return null;
  try {
    const ms = Date.parse(String((JSON.parse(json) as { eventTime?: unknown }).eventTime));
    return Number.isFinite(ms) ? ms : null;
  } catch {
    return null;
  }
}

interface Planned {
  row: Pick<BatchRow, 'batch_no' | 'chunk_end_seq'>;
  prepared: PreparedBatch;
}

async function sendPlanned(
  key: StreamKey,
  chunkEnd: number,
  planned: Planned[],
  sink: Sink,
  ctx: SliceContext,
): Promise<SliceOutcome> {
  let failure: unknown;
  let failed: PreparedBatch | undefined;
  let next = 0;
  let acked = 0;
  const worker = async () => {
    while (failure === undefined && next < planned.length) {
      if (ctx.signal.aborted) throw new LeaseLost('aborted');
      const item = planned[next++] as (typeof planned)[number];
      try {
        await sink.deliver(item.prepared, ctx.signal);
      } catch (e) {
        if (failure === undefined) {
          failure = e;
          failed = item.prepared;
        }
        return;
      }
      ctx.crashPoint?.('after-ack');
      must(await markBatchAcked(ctx.db, key, item.row.batch_no, ctx.owner));
      acked++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(ctx.options.inFlight, planned.length) }, worker));
  const now = ctx.clock.now();
  if (failure === undefined) {
    must(
      await completeChunk(ctx.db, key, ctx.owner, {
        endSeq: chunkEnd,
        now,
        beforeCommit: () => ctx.crashPoint?.('in-checkpoint'),
      }),
    );
    return { kind: 'continue' };
  }
  if (ctx.signal.aborted) throw new LeaseLost('aborted');
  const details = isSinkError(failure)
    ? failure.details
    : { code: 'DeliveryError', retryable: true, retryAfterMs: undefined };
  const message = failure instanceof Error ? failure.message : String(failure);
  // The budget counts attempts in a row that delivered nothing: a long job on a lossy network
  // must not die of scattered transient errors between successful batches.
  const failures = await recordStreamFailure(ctx.db, key, ctx.owner, {
    code: details.code,
    message,
    now,
    progressed: acked > 0,
  });
  if (failures === undefined) throw new LeaseLost('lease lost');
  await insertFailure(ctx.db, {
    job_id: key.jobId,
    region: key.region,
    destination: key.destination,
    error_code: details.code,
    error_message: message,
    attempts: failures,
    first_event_time: eventTimeOf(failed?.content.events[0]),
    last_event_time: eventTimeOf(failed?.content.events.at(-1)),
    created_at: now,
  });
  ctx.logger.warn(
    {
      jobId: key.jobId,
      region: key.region,
      destination: key.destination,
      code: details.code,
      failures,
    },
    'delivery failed',
  );
  if (!details.retryable || failures >= ctx.options.maxFailures) {
    must(
      await setStreamStatus(ctx.db, key, ctx.owner, {
        status: 3,
        now,
        errorCode: details.code,
        errorMessage: message,
      }),
    );
    return { kind: 'continue' };
  }
  const delay = backoffDelay(
    failures,
    {
      baseMs: ctx.options.backoffBaseMs,
      maxMs: ctx.options.backoffMaxMs,
      retryAfterMs: details.retryAfterMs,
    },
    ctx.random,
  );
  return { kind: 'retry', at: now + delay };
}
