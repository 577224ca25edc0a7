import type { LeasedJob } from '../../db/repositories/delivery-leases.repository.js';
import {
  type BatchRow,
  listPlannedBatches,
  type ProgressRow,
  planBatches,
  type StreamKey,
  setStreamStatus,
} from '../../db/repositories/delivery-progress.repository.js';
import { liveStreamCutoff } from '../../db/repositories/live-streams.repository.js';
import type { JobDestination } from '../../domain/delivery-jobs/job-scope.js';
import { EARLIER_GZIP_LEVELS } from '../../sinks/layouts/deterministic-gzip.js';
import { type BatchContent, SinkError } from '../../sinks/sink.js';
import { batchingFor } from '../batching/batching.js';
import type { ScopeFilter, StoredEvent } from '../event-source.js';
import { packedRangeOf, releaseChunksOf } from '../packed-stored-event.js';
import type { SliceContext, SliceOutcome } from './deliver-history.task.js';
import { must } from './lease-lost.js';
import { nextLiveChunk } from './live-flush.js';
import { ChunkReadAhead, type ReadChunk } from './read-ahead.js';
import { type Planned, sendPlanned, streamFailed } from './send-planned.js';

export { LeaseLost, must } from './lease-lost.js';

/**
 * The stream runner shared by history jobs and live streams: one chunk of one (region,
 * destination) stream — plan its batches (persisted before sending), send them with up to
 * `inFlight` in flight, acknowledge, checkpoint. What differs between the two kinds is where a
 * chunk ends (a history job's cut-off; a live stream's safe horizon and flush rule, see
 * live-flush.ts) and that a live stream never fails for good.
 */

/** A live stream with nothing to send yet: look again at `at` (no slice is spent waiting). */
export type StreamOutcome = SliceOutcome | { kind: 'idle'; at: number };

function destinationOf(job: LeasedJob, key: string): JobDestination {
  const all = JSON.parse(job.destinations_json) as JobDestination[];
  const found = all.find((d) => d.key === key);
  if (!found) throw new Error(`job ${job.id} has no destination ${key}`);
  return found;
}

/**
 * How far a live stream may read now: the safe horizon, until StopLogging gives the stream an
 * end. The end is read from the database for every chunk, not taken from the claim: a
 * StopLogging during a slice must stop it at once. The horizon is read first: if the end is
 * still unset after it, every event up to that horizon came before the StopLogging.
 */
async function liveLimit(
  job: LeasedJob,
  ctx: SliceContext,
): Promise<{ maxSeq: number; ended: boolean }> {
  const horizon = await ctx.events.horizon();
  const cutoff = await liveStreamCutoff(ctx.db, job.id);
  return cutoff === null
    ? { maxSeq: horizon, ended: false }
    : { maxSeq: Math.min(cutoff, horizon), ended: true };
}

export async function runStreamChunk(
  job: LeasedJob,
  row: ProgressRow,
  ctx: SliceContext,
): Promise<StreamOutcome> {
  const live = job.kind === 'live';
  const key: StreamKey = { jobId: job.id, region: row.region, destination: row.destination };
  const { destination, dataEvents } = destinationOf(job, row.destination);
  const forced = live ? undefined : ctx.steering?.forcedFailure(job, row.region);
  if (forced) {
    // Emulator mode: the stream fails now, through the same path as a refused batch.
    const error = new SinkError(forced.message, { code: forced.code, retryable: false });
    return streamFailed(key, destination.kind, error, { acked: 0 }, ctx, live);
  }
  const sink = ctx.sinkFor(destination);
  const limit = live ? await liveLimit(job, ctx) : undefined;
  const filter: ScopeFilter = {
    accountId: job.account_id,
    region: row.region,
    eventRW: job.event_rw as ScopeFilter['eventRW'],
    fromTime: job.window_start,
    // A chosen window's end bounds eventTime too ([C2]); the default window's end does not.
    toTime: job.window_chosen === 1 ? job.window_end : undefined,
    dataEvents,
    maxSeq: limit ? limit.maxSeq : (job.cutoff_seq ?? 0),
  };
  const batching = batchingFor(destination, live ? 'live' : 'history', ctx.options.historyFileCap);
  const content = (events: readonly StoredEvent[], bucketStart: number): BatchContent => {
    // Read by the scan thread: the sink takes the bytes where they are (see BatchContent).
    const packed = packedRangeOf(events);
    return {
      accountId: job.account_id,
      trailName: job.trail_name,
      region: row.region,
      destination,
      bucketStart,
      firstSeq: (events[0] as StoredEvent).seq,
      lastSeq: (events[events.length - 1] as StoredEvent).seq,
      events: packed ? [] : events.map((e) => e.json),
      packed,
      eventTimes: events.map((e) => e.eventTime),
    };
  };

  /**
   * Groups a chunk into batches, prepared side by side (OSS gzip runs on the thread pool). What
   * is needed after the await is taken first, so nothing here references the chunk's event texts
   * while the batches are prepared. On SQLite the texts are never strings here: the scan thread
   * hands over packed bytes (src/lib/packed-chunk.ts), whose memory is reused once every batch
   * of the chunk is prepared ([G] round 6).
   */
  const prepareChunk = async (events: StoredEvent[]): Promise<ReadChunk> => {
    const count = events.length;
    const lastSeq = count > 0 ? (events[count - 1] as StoredEvent).seq : 0;
    const groups = batching.group(events);
    const bucketMs = groups.map((g) => g.bucketMs);
    const preparing = groups.map((g) => sink.prepare(content(g.events, g.bucketStart)));
    const prepared = await Promise.all(preparing);
    // Every body is built: the chunk's shared memory can take the next chunk.
    releaseChunksOf(events);
    return { count, lastSeq, bucketMs, prepared };
  };
  const readChunk = async (afterSeq: number) =>
    prepareChunk(await ctx.events.scan(filter, afterSeq, ctx.options.chunkSize));
  const aheadKey = (afterSeq: number) =>
    ChunkReadAhead.key(job.id, row.region, row.destination, afterSeq);

  let planned: Planned[];
  let chunkEnd: number;
  const under = await listPlannedBatches(ctx.db, key);
  if (under.length > 0) {
    // Planned batches all belong to the chunk under way: chunks complete in order.
    chunkEnd = (under[0] as BatchRow).chunk_end_seq;
    // After a crash or a failed send: the unacknowledged ones again, same events, bytes and
    // name. When every batch was acknowledged (a kill inside or just before the checkpoint
    // transaction) nothing is sent and the chunk is only checkpointed (sendPlanned with no
    // batch): scanning it again would send it twice, which SLS stores twice, and count it twice.
    planned = [];
    for (const b of under.filter((r) => r.acked === 0)) {
      const events = await ctx.events.batch(filter, {
        firstSeq: b.first_seq,
        lastSeq: b.last_seq,
        ...batching.rereadRange(b.bucket_start, b.bucket_ms),
      });
      if (events.length === 0) continue; // its events are gone (cannot happen under the hold)
      let prepared = await sink.prepare(content(events, b.bucket_start));
      // Planned by an earlier version with another gzip level: the same bytes need that level.
      for (const gzipLevel of destination.kind === 'oss' ? EARLIER_GZIP_LEVELS : []) {
        if (prepared.objectName === b.object_name) break;
        const again = await sink.prepare({ ...content(events, b.bucket_start), gzipLevel });
        if (again.objectName === b.object_name) prepared = again;
      }
      if (prepared.objectName !== b.object_name) {
        ctx.logger.warn(
          { jobId: job.id, planned: b.object_name, now: prepared.objectName },
          'a re-planned batch changed',
        );
      }
      planned.push({ row: b, prepared });
    }
  } else {
    let chunk: ReadChunk;
    if (live) {
      const next = await nextLiveChunk(job, row, destination, filter, ctx, limit?.ended === true);
      if ('idleUntil' in next) return { kind: 'idle', at: next.idleUntil };
      chunk = await prepareChunk(next.events);
    } else {
      const ahead = ctx.readAhead?.take(aheadKey(row.checkpoint_seq));
      chunk = await (ahead ?? readChunk(row.checkpoint_seq));
    }
    const { count, lastSeq, bucketMs, prepared } = chunk;
    if (count === 0) {
      must(await setStreamStatus(ctx.db, key, ctx.owner, { status: 2, now: ctx.clock.now() }));
      return { kind: 'continue' };
    }
    chunkEnd = lastSeq;
    planned = prepared.map((p, i) => ({
      row: {
        batch_no: row.next_batch_no + i,
        chunk_end_seq: chunkEnd,
        bucket_ms: bucketMs[i] as number,
      },
      prepared: p,
    }));
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
          bucket_ms: r.bucket_ms,
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
  // A full history chunk: the next one is read and prepared while this one is sent.
  if (
    !live &&
    ctx.readAhead &&
    under.length === 0 &&
    planned.length > 0 &&
    planned.reduce((n, p) => n + p.prepared.count, 0) >= ctx.options.chunkSize &&
    !ctx.signal.aborted &&
    ctx.draining?.aborted !== true
  ) {
    ctx.readAhead.put(aheadKey(chunkEnd), readChunk(chunkEnd));
  }
  return sendPlanned(key, destination.kind, chunkEnd, planned, sink, ctx, live);
}
