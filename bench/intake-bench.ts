/**
 * The event store's other two ways in ([G] item 1: "seed/import/ingest API"), each into an
 * empty store of its own, and the latency of a small history job:
 *
 * - `opentrail import` of an NDJSON export (the generator's events, written to a file first);
 * - `POST /v1/events` (V3-signed, 1,000 events per request, 4 connections) to a fresh `serve`;
 * - create → JobStatus 1 and → 2 for a history job over 1,000 events (the first ones ingested).
 *
 * Their baseline is the seed row's: plain better-sqlite3 inserting the same count of rows.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { buildIngestRequest } from '../src/api/ingest/ingest-client.js';
import { generateEvents } from '../src/intake/seed/generate-events.js';
import type { Key } from './api-bench.js';
import { runHistoryJob } from './history-bench.js';
import { runLoad } from './load.js';
import { runCli, startServe } from './processes.js';
import { ms, type Row, rate, ratio } from './report.js';
import { BENCH_REGIONS } from './seed-bench.js';

const REGIONS = BENCH_REGIONS.split(',');
const WRITE_GOAL = '≥ 50,000/s at 1 M (the seed goal: same write path)';

interface NewAccount {
  accountId: string;
  key: Key;
}

async function newAccount(dataDir: string, env: Record<string, string>): Promise<NewAccount> {
  const run = await runCli(
    ['keys', 'create', '--new-account', '--data-dir', dataDir, '--json'],
    env,
  );
  const k = JSON.parse(run.stdout) as {
    accountId: string;
    accessKeyId: string;
    accessKeySecret: string;
  };
  return {
    accountId: k.accountId,
    key: { accessKeyId: k.accessKeyId, accessKeySecret: k.accessKeySecret },
  };
}

function* events(accountId: string, count: number, seed: string) {
  yield* generateEvents({
    count,
    days: 2,
    accounts: [accountId],
    seed,
    now: Date.now(),
    regions: REGIONS,
  });
}

async function writeNdjson(file: string, accountId: string, count: number): Promise<void> {
  const out = createWriteStream(file);
  for (const e of events(accountId, count, 'bench-import')) {
    if (!out.write(`${JSON.stringify(e)}\n`))
      await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((e?: Error | null) => (e ? reject(e) : resolve())),
  );
}

/** `opentrail import` of `count` events from one NDJSON file into an empty store. */
export async function importBench(o: {
  root: string;
  count: number;
  env: Record<string, string>;
  baseline: number;
}): Promise<Row> {
  const dataDir = path.join(o.root, 'import');
  mkdirSync(dataDir);
  const { accountId } = await newAccount(dataDir, o.env);
  const file = path.join(o.root, 'import-events.ndjson');
  await writeNdjson(file, accountId, o.count);
  const run = await runCli(
    ['import', '--data-dir', dataDir, '--account', accountId, '--json', file],
    o.env,
  );
  const s = JSON.parse(run.stdout) as { imported: number; rejected: number; seconds: number };
  if (s.imported !== o.count) throw new Error(`import stored ${s.imported} of ${o.count} events`);
  const perSecond = s.imported / s.seconds;
  const cpu = run.cpuSeconds ? ` (${rate(s.imported / run.cpuSeconds, 'per CPU-second')})` : '';
  return {
    benchmark: '`opentrail import` of an NDJSON export into an empty store',
    size: `${o.count.toLocaleString('en-US')} events`,
    result: `${rate(perSecond, 'events/s')}${cpu}`,
    goal: WRITE_GOAL,
    baseline: `${rate(o.baseline, 'rows/s')} (bare insert, 1 index)`,
    ratio: ratio(perSecond, o.baseline),
  };
}

/**
 * A fresh `serve` with an empty store: 1,000 events through the ingest API, a history job over
 * them (its latency), then `count` more events through the ingest API, timed.
 */
export async function ingestBench(o: {
  root: string;
  count: number;
  env: Record<string, string>;
  baseline: number;
}): Promise<Row[]> {
  const dataDir = path.join(o.root, 'ingest');
  mkdirSync(dataDir);
  const { accountId, key } = await newAccount(dataDir, o.env);
  const serve = await startServe({ dataDir, env: o.env });
  try {
    const host = new URL(serve.url).host;
    const batches = (count: number, seed: string) => {
      const all = [...events(accountId, count, seed)];
      const out = [];
      for (let i = 0; i < all.length; i += 1_000) {
        out.push(buildIngestRequest({ ...key, host, events: all.slice(i, i + 1_000) }));
      }
      return out;
    };
    const small = await runLoad(serve.url, batches(1_000, 'bench-latency'), 1);
    if (small.failures > 0) throw new Error(`ingest failed: ${small.firstFailure}`);
    const times = await runHistoryJob(serve.url, key, accountId, 'bench-latency');
    const requests = batches(o.count, 'bench-ingest');
    const cpuBefore = serve.cpuSeconds();
    const load = await runLoad(serve.url, requests, 4);
    const cpuAfter = serve.cpuSeconds();
    if (load.failures > 0) throw new Error(`ingest failed: ${load.firstFailure}`);
    const perSecond = o.count / load.seconds;
    const cpu =
      cpuBefore !== undefined && cpuAfter !== undefined && cpuAfter > cpuBefore
        ? ` (${rate(o.count / (cpuAfter - cpuBefore), 'per serve CPU-second')})`
        : '';
    return [
      {
        benchmark: 'ingest API `POST /v1/events` (V3, 1,000 events per request, 4 connections)',
        size: `${o.count.toLocaleString('en-US')} events`,
        result: `${rate(perSecond, 'events/s')}${cpu}, p99 ${ms(load.p99Ms)} per request`,
        goal: WRITE_GOAL,
        baseline: `${rate(o.baseline, 'rows/s')} (bare insert, 1 index)`,
        ratio: ratio(perSecond, o.baseline),
      },
      {
        benchmark: 'history job latency, SLS trail → file sink (SLS layout)',
        size: '1,000 events',
        result: `create → status 1 in ${ms(times.startedMs)}, → status 2 in ${ms(times.doneMs)}`,
        goal: 'create → status 1 ≤ 2 s',
        baseline: '—',
        ratio: '—',
      },
    ];
  } finally {
    await serve.stop();
  }
}
