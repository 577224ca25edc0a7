import type { Kysely } from 'kysely';
import {
  type FailureRow,
  listFailures,
  setStreamTotal,
} from '../../db/repositories/delivery-failures.repository.js';
import type { DeliveryJobRow } from '../../db/repositories/delivery-jobs.repository.js';
import {
  listProgress,
  type ProgressRow,
} from '../../db/repositories/delivery-progress.repository.js';
import { countEventsForDelivery } from '../../db/repositories/events.repository.js';
import type { Database } from '../../db/schema.js';

/** Counters of a job or one of its regions ([C2], extension fields). */
export interface Counters {
  totalEvents: number;
  deliveredEvents: number;
  failedEvents: number;
  batches: number;
  bytes: number;
  percentDone: number;
}

export interface RegionProgress extends Counters {
  region: string;
  errorCode: string;
  errorMessage: string;
}

export interface JobProgress extends Counters {
  eventsPerSecond: number;
  etaSeconds: number;
  regions: RegionProgress[];
}

/**
 * A stream's events in scope: counted once (the first time anyone asks) and kept; exact once
 * the stream is done (what it delivered). The count ignores the Data-event rule, so a trail
 * with Data events in its range may finish below 100 % of the estimate — then the stream's end
 * makes the figure exact.
 */
/**
 * Each stream's TotalEvents: a finished stream's delivered count, else the count saved with the
 * stream, else counted now (all regions of the job in one query) and saved.
 */
async function streamTotals(
  db: Kysely<Database>,
  job: DeliveryJobRow,
  rows: readonly ProgressRow[],
): Promise<number[]> {
  const uncounted = rows.filter((p) => p.status !== 2 && p.total_events === null);
  const counts =
    uncounted.length === 0
      ? new Map<string, number>()
      : await countEventsForDelivery(db, {
          accountId: job.account_id,
          regions: [...new Set(uncounted.map((p) => p.region))],
          eventRW: job.event_rw as 'All' | 'Read' | 'Write',
          fromTime: Number(job.window_start),
          toTime: job.window_chosen === 1 ? Number(job.window_end) : undefined,
          afterSeq: 0,
          cutoffSeq: Number(job.cutoff_seq ?? 0),
        });
  for (const p of uncounted) {
    await setStreamTotal(
      db,
      { jobId: Number(job.id), region: p.region, destination: p.destination },
      counts.get(p.region) ?? 0,
    );
  }
  return rows.map((p) =>
    p.status === 2
      ? Number(p.delivered_count)
      : p.total_events !== null
        ? Number(p.total_events)
        : (counts.get(p.region) ?? 0),
  );
}

const percent = (done: number, total: number, finished: boolean) =>
  finished || total === 0
    ? finished
      ? 100
      : 0
    : Math.min(100, Math.floor((done / total) * 1000) / 10);

function sum(parts: Counters[], finished: boolean): Counters {
  const c = { totalEvents: 0, deliveredEvents: 0, failedEvents: 0, batches: 0, bytes: 0 };
  for (const p of parts) {
    c.totalEvents += p.totalEvents;
    c.deliveredEvents += p.deliveredEvents;
    c.failedEvents += p.failedEvents;
    c.batches += p.batches;
    c.bytes += p.bytes;
  }
  return { ...c, percentDone: percent(c.deliveredEvents, c.totalEvents, finished) };
}

/** The job's progress, per region (over its destinations) and in all. */
export async function jobProgress(
  db: Kysely<Database>,
  job: DeliveryJobRow,
  now: number,
): Promise<JobProgress> {
  const rows = await listProgress(db, Number(job.id));
  const totals = await streamTotals(db, job, rows);
  const streams = rows.map((p, i) => {
    const total = totals[i] as number;
    const delivered = Number(p.delivered_count);
    return {
      row: p,
      counters: {
        totalEvents: total,
        deliveredEvents: delivered,
        failedEvents: p.status === 3 ? Math.max(0, total - delivered) : 0,
        batches: Number(p.batches),
        bytes: Number(p.bytes),
        percentDone: percent(delivered, total, p.status === 2),
      },
    };
  });
  const regions = (JSON.parse(job.regions_json) as string[]).map((region): RegionProgress => {
    const mine = streams.filter((s) => s.row.region === region);
    const failed = mine.find((s) => s.row.error_code !== null);
    const done = mine.length > 0 && mine.every((s) => s.row.status === 2);
    return {
      region,
      ...sum(
        mine.map((s) => s.counters),
        done,
      ),
      errorCode: failed?.row.error_code ?? '',
      errorMessage: failed?.row.error_message ?? '',
    };
  });
  const all = sum(regions, Number(job.job_status) === 2);
  const started = job.started_at === null ? undefined : Number(job.started_at);
  const end = job.finished_at === null ? now : Number(job.finished_at);
  const seconds = started === undefined ? 0 : Math.max(1, (end - started) / 1000);
  const eventsPerSecond = seconds > 0 ? Math.round(all.deliveredEvents / seconds) : 0;
  const remaining = Math.max(0, all.totalEvents - all.deliveredEvents - all.failedEvents);
  const active = Number(job.job_status) <= 1;
  return {
    ...all,
    eventsPerSecond,
    etaSeconds: active && eventsPerSecond > 0 ? Math.ceil(remaining / eventsPerSecond) : 0,
    regions,
  };
}

export { type FailureRow, listFailures };
