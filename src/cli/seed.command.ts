import type { Command } from 'commander';
import { openDatabase } from '../db/open-database.js';
import { settleAfterLoad } from '../db/repositories/events-load-statistics.js';
import { DEFAULT_BATCH_SIZE, shouldBulkLoad } from '../domain/events/ingest-batch-writer.js';
import {
  ensureAccounts,
  type SeedSummary,
  seedAccountIds,
  seedEvents,
} from '../domain/events/ingest-seed.js';
import { MAX_FUTURE_SKEW_MS, parseEventTime } from '../intake/event-validation.js';
import { systemClock } from '../lib/clock.js';
import { DAY_MS, formatIsoSeconds, HOUR_MS } from '../lib/time.js';
import { addCommonOptions, type CommonOptions, configFromOptions } from './common-options.js';
import { parseWholeNumber, resolveAccount, startProgress } from './import.command.js';

interface SeedOptions extends CommonOptions {
  events: string;
  days: string;
  accounts: string;
  seed: string;
  regions?: string;
  account?: string;
  now?: string;
  batchSize: string;
  bulk: boolean;
  json?: boolean;
}

/** A number seed stays a number (the generator hashes strings), so `--seed 1` = seed 1. */
function seedValue(text: string): number | string {
  return /^\d{1,15}$/.test(text) ? Number(text) : text;
}

/**
 * The end of the history: `--now`, else the current hour. Rounding keeps two runs within the
 * same hour identical (same seed → same events, times included); event ids never depend on it,
 * so a re-run at any time adds nothing.
 */
function historyEnd(given: string | undefined, realNow: number): number {
  if (given === undefined) return Math.floor(realNow / HOUR_MS) * HOUR_MS;
  const t = parseEventTime(given);
  if (t === undefined) throw new Error(`--now must be ISO 8601 like 2026-01-01T00:00:00Z`);
  if (t > realNow + MAX_FUTURE_SKEW_MS) throw new Error('--now must not be in the future');
  return t;
}

function summaryText(s: SeedSummary, accounts: readonly string[], created: string[]): string {
  const n = (v: number) => Math.round(v).toLocaleString('en-US');
  const rows: Array<[string, string]> = [
    ['accounts', accounts.join(', ')],
    ['generated', n(s.generated)],
    ['inserted', n(s.inserted)],
    ['duplicates', n(s.duplicates)],
    ['first event', s.firstEventTime ?? '-'],
    ['last event', s.lastEventTime ?? '-'],
    ['seconds', s.seconds.toFixed(2)],
    ['events/s', n(s.generated / Math.max(s.seconds, 0.001))],
  ];
  let text = `${rows.map(([k, v]) => `${k.padEnd(11)} ${v}`).join('\n')}\n`;
  if (created.length > 0) {
    // Seeded accounts have no keys: say how to look at them.
    text += `created account(s) ${created.join(', ')}; to read their events: opentrail keys create --account <id>\n`;
  }
  return text;
}

/** `opentrail seed`: a deterministic, realistic history for demos and benchmarks. */
export function registerSeedCommand(program: Command): void {
  addCommonOptions(program.command('seed'))
    .description('generate a deterministic event history (same --seed, same events)')
    .option('--events <n>', 'number of events', '10000')
    .option('--days <n>', 'length of the history in days, ending now', '90')
    .option('--accounts <k>', 'accounts to spread the events over (ids derived from the seed)', '1')
    .option('--seed <s>', 'seed: a number or any text', '1')
    .option('--regions <list>', 'comma-separated regions (default: the configured regions)')
    .option('--account <id>', 'seed into this existing account instead of derived ones')
    .option('--now <time>', 'end of the history, ISO 8601 (default: the current hour)')
    .option('--batch-size <n>', 'events per transaction', String(DEFAULT_BATCH_SIZE))
    .option(
      '--no-bulk',
      'never one bulk load (indexes built after); store batch by batch, each committed',
    )
    .option('--json', 'print the summary as JSON')
    .action(async (opts: SeedOptions) => {
      const config = configFromOptions(opts);
      const count = parseWholeNumber('--events', opts.events, 0, 1_000_000_000);
      const days = parseWholeNumber('--days', opts.days, 1, config.retention.days);
      const batchSize = parseWholeNumber('--batch-size', opts.batchSize, 1, 100_000);
      const realNow = systemClock.now();
      const now = historyEnd(opts.now, realNow);
      // An hour of slack for the rounded default end: at most the oldest hour of a history as
      // long as the retention falls out of it early (the purge takes it), never more.
      if (now - days * DAY_MS < realNow - config.retention.days * DAY_MS - HOUR_MS) {
        throw new Error(
          `the history would start before the ${config.retention.days}-day retention; use a later --now or fewer --days`,
        );
      }
      const regions = opts.regions?.split(',').map((r) => r.trim()) ?? config.regions;
      const unknown = regions.filter((r) => !config.regions.includes(r));
      if (unknown.length > 0 || regions.length === 0) {
        throw new Error(`--regions must be configured regions (not: ${unknown.join(', ')})`);
      }
      const seed = seedValue(opts.seed);

      const handle = await openDatabase(config, { bulkWriter: opts.bulk });
      try {
        let accounts: string[];
        let created: string[] = [];
        if (opts.account !== undefined) {
          accounts = [await resolveAccount(handle.db, opts.account)];
        } else {
          const k = parseWholeNumber('--accounts', opts.accounts, 1, 1000);
          accounts = seedAccountIds(seed, k);
          created = await ensureAccounts(handle.db, accounts, realNow);
        }
        const progress = startProgress('seed', count, 'events');
        let summary: SeedSummary;
        try {
          summary = await seedEvents({
            db: handle.db,
            accounts,
            count,
            days,
            seed,
            now,
            regions,
            batchSize,
            bulk: await shouldBulkLoad(handle.db, handle.bulkLoad, count),
            onProgress: (p) => progress.update(p.generated, p.generated),
          });
        } finally {
          progress.stop();
        }
        summary = await settleAfterLoad(handle.db, summary, summary.inserted);
        process.stdout.write(
          opts.json
            ? `${JSON.stringify({ accounts, createdAccounts: created, now: formatIsoSeconds(now), days, ...summary })}\n`
            : summaryText(summary, accounts, created),
        );
      } finally {
        await handle.close();
      }
    });
}
