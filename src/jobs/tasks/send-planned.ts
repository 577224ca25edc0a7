import {
  type BatchRow,
  completeChunk,
  insertFailure,
  markBatchesAcked,
  recordStreamFailure,
  type StreamKey,
  setStreamStatus,
} from '../../db/repositories/delivery-progress.repository.js';
import { isSinkError, type PreparedBatch, type Sink } from '../../sinks/sink.js';
import { backoffDelay } from '../backoff.js';
import type { SliceContext, SliceOutcome } from './deliver-history.task.js';
import { LeaseLost, must } from './lease-lost.js';

/**
 * Sending one chunk's planned batches (docs/delivery.md "The engine"): up to `inFlight` at
 * once, each acknowledgement recorded, the checkpoint moved past the chunk once all are.
 *
 * Acknowledgements: a batch whose re-send replaces its first copy (`overwrites`: the file sink
 * and OSS, deterministic names) is not recorded one commit at a time. After a kill -9 the whole
 * chunk is sent again, which leaves the same objects; when the chunk stops short (a failure, a
 * graceful stop) the batches already acknowledged are recorded together in one statement, so a
 * retry sends only the rest. Every other batch (SLS) is recorded as soon as it is acknowledged:
 * after a crash only the batches in flight may be sent twice.
 */

export interface Planned {
  row: Pick<BatchRow, 'batch_no' | 'chunk_end_seq' | 'bucket_ms'>;
  prepared: PreparedBatch;
}

export async function sendPlanned(
  key: StreamKey,
  destinationKind: string,
  chunkEnd: number,
  planned: Planned[],
  sink: Sink,
  ctx: SliceContext,
  live: boolean,
): Promise<SliceOutcome> {
  let failure: unknown;
  let failed: PreparedBatch | undefined;
  let next = 0;
  let acked = 0;
  /** Acknowledged batches of `overwrites` kind not recorded yet (see above). */
  const unrecorded: number[] = [];
  // A worker stops taking batches when the slice is aborted or the engine drains; the others
  // finish (and checkpoint) what they already sent before the chunk is given back.
  const stopping = () => ctx.signal.aborted || ctx.draining?.aborted === true;
  const worker = async () => {
    while (failure === undefined && next < planned.length) {
      if (stopping()) return;
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
      item.prepared.release?.();
      ctx.crashPoint?.('after-ack');
      if (item.prepared.overwrites === true) unrecorded.push(item.row.batch_no);
      else must(await markBatchesAcked(ctx.db, key, [item.row.batch_no], ctx.owner));
      ctx.metrics?.eventsDelivered(destinationKind, item.prepared.count);
      acked++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(ctx.options.inFlight, planned.length) }, worker));
  const now = ctx.clock.now();
  const complete = failure === undefined && next >= planned.length;
  if (!complete && unrecorded.length > 0) {
    must(await markBatchesAcked(ctx.db, key, unrecorded, ctx.owner));
  }
  // Stopped before every batch was sent: the acknowledged ones are saved; the rest wait.
  if (failure === undefined && next < planned.length) throw new LeaseLost('stopping');
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
  return streamFailed(key, destinationKind, failure, { acked, failed }, ctx, live);
}

/**
 * A stream's attempt failed: count it, list it ([C2]), and either back off or, when the error
 * is final or the budget is spent, mark the region failed.
 */
export async function streamFailed(
  key: StreamKey,
  destinationKind: string,
  failure: unknown,
  attempt: { acked: number; failed?: PreparedBatch | undefined },
  ctx: SliceContext,
  live: boolean,
): Promise<SliceOutcome> {
  const { acked, failed } = attempt;
  const now = ctx.clock.now();
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
  // The failure list ([C2]) is a history job's; a live stream shows its error in GetTrailStatus.
  if (!live) {
    await insertFailure(ctx.db, {
      job_id: key.jobId,
      region: key.region,
      destination: key.destination,
      error_code: details.code,
      error_message: message,
      attempts: failures,
      // The store's eventTime column, which the engine passes with every batch it prepares.
      first_event_time: failed?.content.eventTimes?.[0] ?? null,
      last_event_time: failed?.content.eventTimes?.at(-1) ?? null,
      created_at: now,
    });
  }
  ctx.metrics?.deliveryFailed(destinationKind, details.code);
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
  // A live stream never fails for good: it backs off (at most backoffMaxMs) and recovers when
  // the destination does; the error shows in GetTrailStatus meanwhile.
  if (!live && (!details.retryable || failures >= ctx.options.maxFailures)) {
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
