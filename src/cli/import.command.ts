import path from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import { openDatabase } from '../db/open-database.js';
import { findAccount, listAccounts } from '../db/repositories/accounts.repository.js';
import { settleAfterLoad } from '../db/repositories/events-load-statistics.js';
import type { Database } from '../db/schema.js';
import { DEFAULT_BATCH_SIZE, shouldBulkLoad } from '../domain/events/ingest-batch-writer.js';
import {
  estimatedEvents,
  type ImportProblem,
  type ImportSummary,
  importEventFiles,
} from '../domain/events/ingest-files.js';
import { listInputFiles } from '../intake/readers/list-input-files.js';
import { systemClock } from '../lib/clock.js';
import { DAY_MS } from '../lib/time.js';
import { addCommonOptions, type CommonOptions, configFromOptions } from './common-options.js';

interface ImportOptions extends CommonOptions {
  account?: string;
  region?: string;
  batchSize: string;
  bulk: boolean;
  json?: boolean;
}

/** Problems printed one by one; beyond this they are only counted (a bad export can have millions). */
const MAX_PROBLEMS_SHOWN = 100;
/** Without a terminal (CI logs, pipes) a plain progress line this often instead of a bar. */
const PLAIN_PROGRESS_EVERY_MS = 5_000;

export function parseWholeNumber(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${name} must be a whole number between ${min} and ${max} (got "${text}")`);
  }
  return n;
}

/** The account to write into: the one named (it must exist) or the only one there is. */
export async function resolveAccount(db: Kysely<Database>, given?: string): Promise<string> {
  if (given !== undefined) {
    if (await findAccount(db, given)) return given;
    throw new Error(
      `account ${given} does not exist; create it with: opentrail keys create --new-account --account ${given}`,
    );
  }
  const accounts = await listAccounts(db);
  if (accounts.length === 1 && accounts[0]) return accounts[0].id;
  if (accounts.length === 0) {
    throw new Error(
      'there is no account yet; start the server once or run: opentrail keys create --new-account',
    );
  }
  const ids = accounts.map((a) => a.id).join(', ');
  throw new Error(`several accounts exist (${ids}); pass --account <id>`);
}

export interface Progress {
  /** `value` against the total (bytes or events); `events` so far, for the rate. */
  update(value: number, events: number): void;
  /** A line above the bar (or plainly on stderr). */
  log(line: string): void;
  stop(): void;
}

const count = (n: number): string => Math.round(n).toLocaleString('en-US');

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  for (; v >= 1024 && i < units.length - 1; i++) v /= 1024;
  return `${v.toFixed(1)} ${units[i]}`;
}

/**
 * Progress on stderr (stdout is for the summary): a cli-progress bar with events/s and ETA on a
 * terminal, otherwise a plain line every few seconds, which reads well in CI logs.
 */
export function startProgress(label: string, total: number, unit: 'bytes' | 'events'): Progress {
  const started = performance.now();
  const show = unit === 'bytes' ? bytes : count;
  const fields = (value: number, events: number) => {
    const seconds = Math.max((performance.now() - started) / 1000, 0.001);
    return {
      done: show(value),
      all: show(total),
      events: count(events),
      rate: count(events / seconds),
    };
  };
  if (process.stderr.isTTY) {
    const what = unit === 'bytes' ? '{done}/{all} | {events} events' : '{done}/{all} events';
    const multi = new cliProgress.MultiBar(
      {
        stream: process.stderr,
        format: `${label} {bar} {percentage}% | ${what} | {rate} events/s | ETA {eta_formatted}`,
        // Terminal settings stay untouched (no hidden cursor, wrapping on), so a Ctrl-C, which
        // ends the process without a chance to restore them, leaves the terminal as it was.
        hideCursor: false,
        linewrap: true,
        barsize: 24,
        etaBuffer: 100,
      },
      cliProgress.Presets.shades_classic,
    );
    const bar = multi.create(Math.max(total, 1), 0, fields(0, 0));
    return {
      update: (value, events) => bar.update(value, fields(value, events)),
      log: (line) => multi.log(`${line}\n`),
      // cli-progress writes logged lines only on a redraw; stop() alone would drop the last ones.
      stop: () => {
        multi.update();
        multi.stop();
      },
    };
  }
  let last = started;
  return {
    update(value, events) {
      const now = performance.now();
      if (now - last < PLAIN_PROGRESS_EVERY_MS) return;
      last = now;
      const f = fields(value, events);
      const pct = total > 0 ? Math.floor((100 * value) / total) : 100;
      const eta = value > 0 ? ((now - started) / 1000) * ((total - value) / value) : 0;
      const what =
        unit === 'bytes' ? `${f.done}/${f.all}, ${f.events} events` : `${f.done}/${f.all} events`;
      process.stderr.write(
        `${label}: ${pct}% ${what}, ${f.rate} events/s, ETA ${Math.ceil(eta)}s\n`,
      );
    },
    log: (line) => process.stderr.write(`${line}\n`),
    stop: () => {},
  };
}

function where(p: ImportProblem): string {
  const shown = path.relative(process.cwd(), p.file);
  const file = shown.startsWith('..') || shown === '' ? p.file : shown;
  return p.unit === 'line' ? `${file}:${p.line}` : `${file} [element ${p.line}]`;
}

function summaryText(s: ImportSummary, accountId: string): string {
  const codes = Object.entries(s.rejectedByCode).map(([code, n]) => `${code} ${count(n)}`);
  const rows: Array<[string, string]> = [
    ['account', accountId],
    ['files', count(s.files)],
    ['read', count(s.read)],
    ['imported', count(s.imported)],
    ['duplicates', count(s.duplicates)],
    ['rejected', count(s.rejected) + (codes.length > 0 ? ` (${codes.join(', ')})` : '')],
    ['seconds', s.seconds.toFixed(2)],
    ['events/s', count(s.read / Math.max(s.seconds, 0.001))],
  ];
  return `${rows.map(([k, v]) => `${k.padEnd(11)} ${v}`).join('\n')}\n`;
}

/** `opentrail import <files|dirs…>`: export files straight into the database (server may run). */
export function registerImportCommand(program: Command): void {
  addCommonOptions(program.command('import <paths...>'))
    .description(
      'import ActionTrail export files (OSS .json.gz, NDJSON, SLS lines) into an account',
    )
    .option('--account <id>', 'account the events belong to (default: the only account)')
    .option('--region <region>', 'acsRegion for events without one (default: the home region)')
    .option('--batch-size <n>', 'events per transaction', String(DEFAULT_BATCH_SIZE))
    .option(
      '--no-bulk',
      'never one bulk load (indexes built after); store batch by batch, each committed',
    )
    .option('--json', 'print the summary as JSON')
    .action(async (paths: string[], opts: ImportOptions) => {
      const config = configFromOptions(opts);
      const batchSize = parseWholeNumber('--batch-size', opts.batchSize, 1, 100_000);
      const region = opts.region ?? config.region;
      if (!config.regions.includes(region)) {
        throw new Error(`--region ${region} is not a configured region`);
      }
      // Before opening anything: a typo in a path stops the import before anything is stored.
      const files = await listInputFiles(paths);
      const handle = await openDatabase(config, { bulkWriter: opts.bulk });
      try {
        const accountId = await resolveAccount(handle.db, opts.account);
        const total = files.reduce((n, f) => n + f.size, 0);
        const progress = startProgress('import', total, 'bytes');
        let shown = 0;
        let summary: ImportSummary;
        try {
          summary = await importEventFiles({
            db: handle.db,
            files,
            clock: systemClock,
            batchSize,
            bulk: await shouldBulkLoad(handle.db, handle.bulkLoad, estimatedEvents(files)),
            validation: {
              accountId,
              retentionMs: config.retention.days * DAY_MS,
              regions: config.regions,
              defaultRegion: region,
            },
            onProblem: (p) => {
              shown += 1;
              if (shown <= MAX_PROBLEMS_SHOWN) progress.log(`${where(p)}: ${p.code}: ${p.message}`);
              else if (shown === MAX_PROBLEMS_SHOWN + 1) {
                progress.log(
                  `(more than ${MAX_PROBLEMS_SHOWN} problems: the rest are only counted)`,
                );
              }
            },
            onProgress: (p) => progress.update(p.bytes, p.read),
          });
        } finally {
          progress.stop();
        }
        summary = await settleAfterLoad(handle.db, summary, summary.imported);
        process.stdout.write(
          opts.json
            ? `${JSON.stringify({ accountId, ...summary })}\n`
            : summaryText(summary, accountId),
        );
        if (summary.imported + summary.duplicates === 0) {
          throw new Error('nothing was imported: no valid event was found');
        }
      } finally {
        await handle.close();
      }
    });
}
