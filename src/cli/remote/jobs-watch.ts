/**
 * `opentrail jobs watch <id>`: polls GetDeliveryHistoryJob until JobStatus is 2 or 3. On a
 * terminal, one cli-progress bar per region on stderr; otherwise (pipes, CI) a plain line per
 * region whenever it changes, with no escape codes. The summary goes to stdout.
 */
import cliProgress from 'cli-progress';
import { type ApiClient, ConnectionError, RemoteApiError } from './api-client.js';
import {
  eta,
  formatCount,
  formatDuration,
  RateTracker,
  type RegionView,
  regionLine,
  regionViews,
  statusName,
  summaryLines,
} from './job-progress.js';
import { EXIT } from './output.js';

export interface WatchOptions {
  intervalMs: number;
  /** Give up (exit 7) after this long; undefined = wait for the end. */
  timeoutMs?: number;
  json: boolean;
  quiet: boolean;
  /** Defaults to process.stderr.isTTY. */
  tty?: boolean;
}

interface Display {
  update(
    job: Record<string, unknown>,
    views: RegionView[],
    rates: Map<string, number | undefined>,
  ): void;
  stop(): void;
}

/** `running | 1,200/3,000 events | 350 events/s | ETA 6s | 2 errors (…)`, only what is known. */
export function barDetail(
  v: RegionView,
  rate: number | undefined,
  left: number | undefined,
): string {
  const parts = [statusName(v.status)];
  if (v.delivered !== undefined) {
    parts.push(
      `${formatCount(v.delivered)}/${v.total !== undefined ? formatCount(v.total) : '?'} events`,
    );
    if (v.status === 1 && rate !== undefined)
      parts.push(`${formatCount(Math.max(0, rate))} events/s`);
  }
  if (v.status === 1 && left !== undefined) parts.push(`ETA ${formatDuration(left)}`);
  if (v.errors) parts.push(`${v.errors} error${v.errors === 1 ? '' : 's'}`);
  if (v.lastError) parts.push(`(${v.lastError})`);
  return parts.join(' | ');
}

function barDisplay(): Display {
  const multi = new cliProgress.MultiBar(
    {
      stream: process.stderr,
      // One `{detail}` of the parts the server sent, status first: a narrow terminal cuts the
      // end of the line, and the status is what must stay visible.
      format: '{region} {bar} {percentage}% {detail}',
      // As import's bar: the terminal is left as it was even after Ctrl-C.
      hideCursor: false,
      linewrap: true,
      barsize: 20,
      // Bars are redrawn on every poll, also when nothing moved (the status text may change).
      forceRedraw: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  return {
    update(_job, views, rates) {
      for (const v of views) {
        const rate = rates.get(v.region);
        const left = eta(v, rate);
        const payload = { region: v.region.padEnd(14), detail: barDetail(v, rate, left) };
        // Without counters the bar only knows done or not done.
        const value = v.percent ?? (v.status >= 2 ? 100 : 0);
        const bar = bars.get(v.region);
        if (bar) bar.update(value, payload);
        else bars.set(v.region, multi.create(100, value, payload));
      }
    },
    stop() {
      multi.update();
      multi.stop();
    },
  };
}

function lineDisplay(): Display {
  const last = new Map<string, string>();
  let lastJob = '';
  return {
    update(job, views, rates) {
      const head = `job ${String(job.JobId)}: ${statusName(job.JobStatus)}`;
      if (head !== lastJob) process.stderr.write(`${head}\n`);
      lastJob = head;
      for (const v of views) {
        // Compare without the rate/ETA so a line is printed when something moved, not every poll.
        const key = regionLine(v);
        if (last.get(v.region) === key) continue;
        last.set(v.region, key);
        process.stderr.write(`${regionLine(v, rates.get(v.region))}\n`);
      }
    },
    stop() {},
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls in a row that may fail before the watch gives up: a node restart must not end it. */
const MAX_POLL_FAILURES = 5;

function transient(e: unknown): boolean {
  return e instanceof ConnectionError || (e instanceof RemoteApiError && e.status >= 500);
}

export async function watchJob(
  client: ApiClient,
  jobId: string,
  opts: WatchOptions,
): Promise<number> {
  const started = performance.now();
  const tty = opts.tty ?? process.stderr.isTTY === true;
  const display = opts.quiet ? undefined : tty ? barDisplay() : lineDisplay();
  const rates = new RateTracker();
  let job: Record<string, unknown>;
  try {
    let failures = 0;
    for (;;) {
      try {
        job = await client.call('GetDeliveryHistoryJob', { JobId: jobId });
        failures = 0;
      } catch (e) {
        if (!transient(e) || ++failures >= MAX_POLL_FAILURES) throw e;
        process.stderr.write(`opentrail: ${(e as Error).message}; retrying\n`);
        await sleep(opts.intervalMs * 2 ** failures);
        continue;
      }
      const views = regionViews(job);
      const now = performance.now();
      const current = new Map<string, number | undefined>();
      for (const v of views) {
        if (v.delivered !== undefined) current.set(v.region, rates.add(v.region, now, v.delivered));
      }
      display?.update(job, views, current);
      if (job.JobStatus === 2 || job.JobStatus === 3) break;
      if (opts.timeoutMs !== undefined && now - started > opts.timeoutMs) {
        display?.stop();
        process.stderr.write(
          `opentrail: job ${jobId} still ${statusName(job.JobStatus)} after ${formatDuration(opts.timeoutMs / 1000)}\n`,
        );
        if (opts.json) process.stdout.write(`${JSON.stringify(job)}\n`);
        return EXIT.watchTimeout;
      }
      await sleep(opts.intervalMs);
    }
  } catch (e) {
    display?.stop();
    throw e;
  }
  display?.stop();
  const seconds = (performance.now() - started) / 1000;
  if (opts.json) process.stdout.write(`${JSON.stringify(job)}\n`);
  else process.stdout.write(`${summaryLines(job, seconds).join('\n')}\n`);
  return job.JobStatus === 2 ? EXIT.ok : EXIT.failed;
}
