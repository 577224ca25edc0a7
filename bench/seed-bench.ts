/**
 * `opentrail seed` into an empty store, and the baseline: plain better-sqlite3 inserting the
 * same number of rows (a 1 KB payload and one random-key index, as the "one core
 * inserts ~74,000 rows/s") in the same WAL mode and transaction size, in the same run.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { runCli } from './processes.js';
import { type Row, rate, ratio } from './report.js';

export interface SeedResult {
  row: Row;
  accountId: string;
  seconds: number;
  /** The bare insert's rows/s, for the other write rows (import, ingest API). */
  baseline: number;
}

export const BENCH_REGIONS = 'cn-hangzhou,cn-shanghai,cn-beijing,cn-shenzhen,cn-qingdao';

/** Rows/s of the bare insert baseline (in this process). */
export function sqliteInsertBaseline(dir: string, rows: number): number {
  const db = new BetterSqlite3(path.join(dir, 'baseline.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('create table t (id integer primary key, k text not null, body text not null)');
  db.exec('create index t_k on t (k)');
  const insert = db.prepare('insert into t (k, body) values (?, ?)');
  const body = 'x'.repeat(1000);
  const batch = db.transaction((n: number) => {
    for (let i = 0; i < n; i++) insert.run(randomUUID(), body);
  });
  const started = performance.now();
  for (let done = 0; done < rows; done += 2000) batch(Math.min(2000, rows - done));
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return rows / seconds;
}

export async function seedBench(o: {
  dataDir: string;
  events: number;
  /** Length of the history (default 2 days: the dense store every other benchmark reads). */
  days?: number;
  /** Generator seed: it also derives the account, so two stores in one database need two. */
  seed?: string;
  env: Record<string, string>;
  baselineDir: string;
}): Promise<SeedResult> {
  const days = o.days ?? 2;
  const run = await runCli(
    ['seed', '--data-dir', o.dataDir, '--events', String(o.events), '--days', String(days)].concat([
      '--regions',
      BENCH_REGIONS,
      '--seed',
      o.seed ?? 'bench',
      '--json',
    ]),
    o.env,
  );
  const summary = JSON.parse(run.stdout) as {
    accounts: string[];
    inserted: number;
    seconds: number;
  };
  const perSecond = summary.inserted / summary.seconds;
  const baseline = sqliteInsertBaseline(o.baselineDir, o.events);
  return {
    accountId: summary.accounts[0] ?? '',
    seconds: summary.seconds,
    baseline,
    row: {
      benchmark: `seed into an empty store (${days} days, 5 regions)`,
      size: `${o.events.toLocaleString('en-US')} events`,
      result:
        run.cpuSeconds === undefined
          ? rate(perSecond, 'events/s')
          : `${rate(perSecond, 'events/s')} (${rate(summary.inserted / run.cpuSeconds, 'per CPU-second')})`,
      goal: '≥ 50,000/s at 1 M, ≥ 35,000/s at 10 M',
      baseline: `${rate(baseline, 'rows/s')} (bare insert, 1 index)`,
      ratio: ratio(perSecond, baseline),
    },
  };
}
