/**
 * A history job on an SLS trail, created and watched through the signed API as a user would:
 * to the SLS-layout file sink (no SLS credentials) or to `opentrail dev sls`. The baseline is
 * what the hardware allows for the same events: a plain SQLite scan + gzip, in the same run.
 */
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import BetterSqlite3 from 'better-sqlite3';
import { buildV1Request } from '../src/api/signature/index.js';
import type { Key } from './api-bench.js';
import { sendOnce } from './load.js';
import { ms, type Row, rate, ratio } from './report.js';

/** Events/s of reading one account's events in sequence order and gzipping them in 4 MB parts. */
export function scanGzipBaseline(dataDir: string, accountId: string): number {
  const db = new BetterSqlite3(path.join(dataDir, 'opentrail.db'), { readonly: true });
  const started = performance.now();
  let n = 0;
  let part: string[] = [];
  let bytes = 0;
  const rows = db
    .prepare('select event_json from events where account_id = ? order by seq')
    .pluck()
    .iterate(accountId) as Iterable<string>;
  for (const json of rows) {
    part.push(json);
    bytes += json.length;
    n++;
    if (bytes >= 4 * 2 ** 20) {
      gzipSync(part.join('\n'));
      part = [];
      bytes = 0;
    }
  }
  if (part.length) gzipSync(part.join('\n'));
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return n / seconds;
}

/** One v1-signed GET, as pop-core sends it; the parsed answer (throws on an error answer). */
export async function callV1(
  url: string,
  key: Key,
  action: string,
  params: Record<string, string>,
) {
  const req = buildV1Request({
    ...key,
    method: 'GET',
    action,
    version: '2020-07-06',
    params,
    nowMs: Date.now(),
    host: new URL(url).host,
  });
  return sendOnce(url, req);
}

export interface JobTimes {
  /** Create → JobStatus 1 (running), ms. */
  startedMs: number;
  /** Create → JobStatus 2 (done), ms. */
  doneMs: number;
  /**
   * Events the job delivered (its regions' DeliveredEvents): more than the seeded ones when the
   * store also holds self-audit records (the API benchmarks run on the same store first).
   */
  delivered: number;
}

/**
 * Creates a trail (SLS unless `destination` says otherwise) and a history job for it; polls
 * every 25 ms until it ends.
 */
export async function runHistoryJob(
  url: string,
  key: Key,
  accountId: string,
  trail: string,
  destination: Record<string, string> = {
    SlsProjectArn: `acs:log:cn-hangzhou:${accountId}:project/bench`,
  },
) {
  await callV1(url, key, 'CreateTrail', { Name: trail, ...destination });
  const started = performance.now();
  const { JobId } = await callV1(url, key, 'CreateDeliveryHistoryJob', { TrailName: trail });
  let startedMs = Number.NaN;
  for (;;) {
    const job = await callV1(url, key, 'GetDeliveryHistoryJob', { JobId: String(JobId) });
    const elapsed = performance.now() - started;
    if (job.JobStatus !== 0 && Number.isNaN(startedMs)) startedMs = elapsed;
    if (job.JobStatus === 2) {
      // An account holds at most 5 trails per region: the next benchmarks need their own.
      await callV1(url, key, 'DeleteTrail', { Name: trail });
      const regions = (job.Status ?? []) as { DeliveredEvents?: number }[];
      const delivered = regions.reduce((n, r) => n + (r.DeliveredEvents ?? 0), 0);
      return { startedMs, doneMs: elapsed, delivered };
    }
    if (job.JobStatus === 3) throw new Error(`history job failed: ${JSON.stringify(job)}`);
    if (elapsed > 3_600_000) throw new Error('history job still running after an hour');
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function historyRow(o: {
  sink: string;
  events: number;
  times: JobTimes;
  peakRssMb: number | undefined;
  /** serve's CPU seconds from the job's creation to its end (steadier than wall time when shared). */
  cpuSeconds?: number | undefined;
  baseline: number | undefined;
  /** What the size column says after the event count (default: the dense 2-day history). */
  spread?: string;
}): Row {
  // What the job read and wrote, self-audit records included (at least the seeded events).
  const events = Math.max(o.events, o.times.delivered);
  const perSecond = events / (o.times.doneMs / 1000);
  const cpu =
    o.cpuSeconds === undefined || o.cpuSeconds <= 0
      ? ''
      : ` (${rate(events / o.cpuSeconds, 'per serve CPU-second')})`;
  const extra =
    events > o.events
      ? ` (${(events - o.events).toLocaleString('en-US')} of them self-audit record${events - o.events === 1 ? '' : 's'})`
      : '';
  const rss = o.peakRssMb === undefined ? '' : `, serve peak RSS ${Math.round(o.peakRssMb)} MB`;
  return {
    benchmark: `history job, ${/s3rver|OSS layout/.test(o.sink) ? 'OSS' : 'SLS'} trail → ${o.sink} (create → status 1 in ${ms(o.times.startedMs)})`,
    size: `${events.toLocaleString('en-US')} events ${o.spread ?? 'over 2 days'}${extra}`,
    result: `${rate(perSecond, 'events/s')}${cpu}${rss}`,
    goal: o.spread?.includes('sparse')
      ? '≥ 50,000/s sparse'
      : o.sink.startsWith('dev sls')
        ? '≥ 50,000/s, RSS ≤ 300 MB'
        : o.sink.startsWith('s3rver')
          ? '≥ 30,000/s'
          : '≥ 100,000/s dense, RSS ≤ 300 MB',
    baseline:
      o.baseline === undefined ? '—' : `${rate(o.baseline, 'events/s')} (SQLite scan + gzip)`,
    ratio: o.baseline === undefined ? '—' : ratio(perSecond, o.baseline),
  };
}
