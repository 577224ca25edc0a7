import type { LeasedJob } from '../../db/repositories/delivery-leases.repository.js';
import type { ProgressRow } from '../../db/repositories/delivery-progress.repository.js';
import type { Destination } from '../../sinks/sink.js';
import type { ScopeFilter, StoredEvent } from '../event-source.js';
import { releaseChunksOf } from '../packed-stored-event.js';
import type { SliceContext } from './deliver-history.task.js';

/**
 * Where a live stream's next chunk ends (docs/delivery.md "Live delivery"). SLS takes whatever
 * is there (its batches are cut by count and size). OSS and OSS-layout files flush: at most
 * `liveFlushEvents` events, once that many are waiting or `liveFlushMs` has passed since the
 * last flush, so each flush writes one object per (region, 5-minute bucket) it holds instead
 * of a trickle of tiny ones. A stream that has been given an end (StopLogging) flushes at once.
 */
export async function nextLiveChunk(
  job: LeasedJob,
  row: ProgressRow,
  destination: Destination,
  filter: ScopeFilter,
  ctx: SliceContext,
  /** StopLogging has given the stream an end (read for this chunk; the claim may predate it). */
  ended: boolean,
): Promise<{ events: StoredEvent[] } | { idleUntil: number }> {
  const now = ctx.clock.now();
  const following = !ended;
  const { liveFlushMs, liveFlushEvents, liveIdleMs } = ctx.options;
  if (destination.kind === 'sls') {
    const events = await ctx.events.scan(filter, row.checkpoint_seq, ctx.options.chunkSize);
    return events.length === 0 && following ? { idleUntil: now + liveIdleMs } : { events };
  }
  const events = await ctx.events.scan(filter, row.checkpoint_seq, liveFlushEvents);
  if (!following || events.length >= liveFlushEvents) return { events };
  const lastFlush = Number(row.last_delivered_at ?? job.created_at);
  const due = lastFlush + liveFlushMs;
  if (events.length > 0 && now >= due) return { events };
  // Not flushed yet: read again next time; a packed chunk's memory is reused meanwhile.
  releaseChunksOf(events);
  return { idleUntil: events.length === 0 ? now + liveIdleMs : Math.min(due, now + liveFlushMs) };
}
