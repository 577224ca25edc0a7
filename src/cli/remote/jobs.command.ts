import type { Command } from 'commander';
import { statusName } from './job-progress.js';
import { watchJob } from './jobs-watch.js';
import { printJson, printRecord, printTable } from './output.js';
import { UsageError } from './profile.js';
import {
  addRemoteOptions,
  clientFrom,
  type RemoteOptions,
  remoteAction,
} from './remote-options.js';

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a whole number ≥ 1`);
  return n;
}

function jobId(text: string): string {
  if (!/^\d+$/.test(text)) throw new UsageError(`job id must be a number, not "${text}"`);
  return text;
}

type Item = Record<string, unknown>;
type PageFlags = RemoteOptions & { page: string; pageSize: string; all?: boolean };

/**
 * A numbered-page list Action (PageNumber/PageSize/TotalCount): the page asked for, or with
 * --all every page from there on. `field` names the array in the answer.
 */
async function numberedPages(
  opts: PageFlags,
  field: string,
  fetchPage: (pageNumber: number, pageSize: number) => Promise<Item>,
): Promise<{ items: Item[]; json: Item; moreHint(): void }> {
  const pageSize = positiveInt(opts.pageSize, '--page-size');
  let pageNumber = positiveInt(opts.page, '--page');
  let body = await fetchPage(pageNumber, pageSize);
  const items = [...((body[field] as Item[]) ?? [])];
  while (opts.all && items.length < Number(body.TotalCount) && (body[field] as Item[]).length > 0) {
    pageNumber += 1;
    body = await fetchPage(pageNumber, pageSize);
    items.push(...((body[field] as Item[]) ?? []));
  }
  const json = opts.all ? { TotalCount: body.TotalCount, [field]: items } : body;
  const total = Number(body.TotalCount);
  const moreHint = () => {
    if (!opts.all && items.length < total) {
      process.stderr.write(`(${items.length} of ${total}; --all for every page)\n`);
    }
  };
  return { items, json, moreHint };
}

const JOB_COLUMNS = [
  'JobId',
  'Status',
  'TrailName',
  'HomeRegion',
  'StartTime',
  'EndTime',
  'UpdatedTime',
];

export function jobRows(jobs: readonly Record<string, unknown>[]) {
  return jobs.map((j) => [
    j.JobId as number,
    statusName(j.JobStatus),
    j.TrailName as string,
    j.HomeRegion as string,
    j.StartTime as string,
    j.EndTime as string,
    j.UpdatedTime as string,
  ]);
}

interface WatchFlags extends RemoteOptions {
  interval: string;
  timeout?: string;
  quiet?: boolean;
}

function addWatchFlags(cmd: Command): Command {
  return cmd
    .option('--interval <seconds>', 'seconds between polls', '1')
    .option('--timeout <seconds>', 'give up after this long (exit 7)')
    .option('-q, --quiet', 'no progress, only the summary');
}

function watchOptions(opts: WatchFlags) {
  const interval = Number(opts.interval);
  if (!Number.isFinite(interval) || interval <= 0) throw new UsageError('--interval must be > 0');
  return {
    intervalMs: interval * 1000,
    ...(opts.timeout !== undefined
      ? { timeoutMs: positiveInt(opts.timeout, '--timeout') * 1000 }
      : {}),
    json: opts.json === true,
    quiet: opts.quiet === true,
  };
}

/**
 * `opentrail jobs …`: historical event delivery jobs (Create/List/Get/Delete/Stop/Retry
 * DeliveryHistoryJob, ListDeliveryHistoryJobFailures).
 */
export function registerJobsCommand(program: Command): void {
  const jobs = program
    .command('jobs')
    .description('historical event delivery jobs on a running server (signed API)');

  addWatchFlags(addRemoteOptions(jobs.command('create <trailName>')))
    .description("deliver the trail's event history (CreateDeliveryHistoryJob); prints the JobId")
    .option('--client-token <token>', 'idempotency token: the same token answers the same job')
    .option('-w, --watch', 'then watch it to the end (exit as jobs watch)')
    .action(
      remoteAction(
        async (trail: string, opts: WatchFlags & { clientToken?: string; watch?: boolean }) => {
          const client = clientFrom(opts);
          const body = await client.call('CreateDeliveryHistoryJob', {
            TrailName: trail,
            ClientToken: opts.clientToken,
          });
          if (opts.watch) {
            if (!opts.json) process.stderr.write(`created job ${String(body.JobId)}\n`);
            return watchJob(client, String(body.JobId), watchOptions(opts));
          }
          if (opts.json) return printJson(body);
          process.stdout.write(`${String(body.JobId)}\n`);
        },
      ),
    );

  addRemoteOptions(jobs.command('list'))
    .description('list jobs, newest first (ListDeliveryHistoryJobs)')
    .option('--page <n>', 'page number', '1')
    .option('--page-size <n>', 'jobs per page (1–100)', '20')
    .option('--all', 'every page')
    .action(
      remoteAction(async (opts: PageFlags) => {
        const client = clientFrom(opts);
        const { items, json, moreHint } = await numberedPages(
          opts,
          'DeliveryHistoryJobs',
          (n, size) => client.call('ListDeliveryHistoryJobs', { PageNumber: n, PageSize: size }),
        );
        if (opts.json) return printJson(json);
        printTable(JOB_COLUMNS, jobRows(items));
        moreHint();
      }),
    );

  addRemoteOptions(jobs.command('show <jobId>'))
    .description('one job with its per-region status (GetDeliveryHistoryJob)')
    .action(
      remoteAction(async (id: string, opts: RemoteOptions) => {
        const body = await clientFrom(opts).call('GetDeliveryHistoryJob', { JobId: jobId(id) });
        if (opts.json) return printJson(body);
        const { Status: regions, RequestId: _, ...rest } = body;
        printRecord({
          ...rest,
          JobStatus: `${String(body.JobStatus)} (${statusName(body.JobStatus)})`,
        });
        if (Array.isArray(regions)) {
          process.stdout.write('\n');
          printTable(
            ['Region', 'Status'],
            (regions as Record<string, unknown>[]).map((r) => [
              r.Region as string,
              statusName(r.Status),
            ]),
          );
        }
      }),
    );

  addRemoteOptions(jobs.command('delete <jobId>'))
    .description('delete a finished job (DeleteDeliveryHistoryJob)')
    .action(
      remoteAction(async (id: string, opts: RemoteOptions) => {
        const body = await clientFrom(opts).call('DeleteDeliveryHistoryJob', { JobId: jobId(id) });
        if (opts.json) return printJson(body);
        process.stdout.write(`deleted job ${id}\n`);
      }),
    );

  addRemoteOptions(jobs.command('stop <jobId>'))
    .description(
      'stop a running job at a batch boundary: status 3, State Stopped (StopDeliveryHistoryJob)',
    )
    .action(
      remoteAction(async (id: string, opts: RemoteOptions) => {
        const body = await clientFrom(opts).call('StopDeliveryHistoryJob', { JobId: jobId(id) });
        if (opts.json) return printJson(body);
        process.stdout.write(`stopped job ${id}\n`);
      }),
    );

  addWatchFlags(addRemoteOptions(jobs.command('retry <jobId>')))
    .description('resume a failed or stopped job from its checkpoints (RetryDeliveryHistoryJob)')
    .option('-w, --watch', 'then watch it to the end (exit as jobs watch)')
    .action(
      remoteAction(async (id: string, opts: WatchFlags & { watch?: boolean }) => {
        const client = clientFrom(opts);
        const body = await client.call('RetryDeliveryHistoryJob', { JobId: jobId(id) });
        if (opts.watch) {
          if (!opts.json) process.stderr.write(`retrying job ${id}\n`);
          return watchJob(client, id, watchOptions(opts));
        }
        if (opts.json) return printJson(body);
        process.stdout.write(`retrying job ${id}\n`);
      }),
    );

  addRemoteOptions(jobs.command('failures <jobId>'))
    .description("a job's failed delivery attempts, oldest first (ListDeliveryHistoryJobFailures)")
    .option('--page <n>', 'page number', '1')
    .option('--page-size <n>', 'failures per page (1–100)', '20')
    .option('--all', 'every page')
    .action(
      remoteAction(async (id: string, opts: PageFlags) => {
        const client = clientFrom(opts);
        const { items, json, moreHint } = await numberedPages(opts, 'Failures', (n, size) =>
          client.call('ListDeliveryHistoryJobFailures', {
            JobId: jobId(id),
            PageNumber: n,
            PageSize: size,
          }),
        );
        if (opts.json) return printJson(json);
        printTable(
          ['Time', 'Region', 'Destination', 'ErrorCode', 'Attempts', 'ErrorMessage'],
          items.map((f) => [
            f.Time as string,
            f.Region as string,
            f.Destination as string,
            f.ErrorCode as string,
            f.Attempts as number,
            f.ErrorMessage as string,
          ]),
        );
        moreHint();
      }),
    );

  addWatchFlags(addRemoteOptions(jobs.command('watch <jobId>')))
    .description(
      'follow a job to the end: a bar per region on a terminal; exit 0 on success (2), 1 on failure (3)',
    )
    .action(
      remoteAction(async (id: string, opts: WatchFlags) =>
        watchJob(clientFrom(opts), jobId(id), watchOptions(opts)),
      ),
    );
}
