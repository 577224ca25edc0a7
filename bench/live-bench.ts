/**
 * [D2] live delivery of a logging trail, as a user runs it: `serve`, an SLS trail with logging
 * on, and events arriving through `opentrail seed` beside the running server (one region, so
 * the stream's one checkpoint tells exactly which events were acknowledged).
 *
 * - capacity: with the server stopped, `seed` stores a backlog; the server starts and its live
 *   stream drains it: events/s it can keep up with.
 * - latency: `seed` runs beside the live server; every 20 ms this process reads the store's
 *   newest sequence and the stream's checkpoint (SQLite, read-only), so each newly stored
 *   sequence gets a time from "stored" to "acknowledged by the destination" (±20 ms).
 */
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Key } from './api-bench.js';
import { callV1 } from './history-bench.js';
import { type Child, runCli } from './processes.js';
import { ms, type Row, rate } from './report.js';

const REGION = 'cn-hangzhou';

interface Probe {
  maxSeq(): number;
  checkpoint(): number;
  close(): void;
}

function probe(dataDir: string, trail: string): Probe {
  const db = new BetterSqlite3(path.join(dataDir, 'opentrail.db'), { readonly: true });
  const maxSeq = db.prepare('select coalesce(max(seq), 0) from events').pluck();
  const checkpoint = db
    .prepare(
      `select coalesce(min(p.checkpoint_seq), 0) from delivery_job_progress p
       join delivery_jobs j on j.id = p.job_id
       where j.kind = 'live' and j.trail_name = ? and j.cutoff_seq is null and p.region = ?`,
    )
    .pluck();
  return {
    maxSeq: () => Number(maxSeq.get()),
    checkpoint: () => Number(checkpoint.get(trail, REGION)),
    close: () => db.close(),
  };
}

function seedArgs(dataDir: string, accountId: string, events: number, seed: string): string[] {
  return [
    'seed',
    '--data-dir',
    dataDir,
    '--account',
    accountId,
    '--events',
    String(events),
    '--days',
    '1',
    '--regions',
    REGION,
    '--seed',
    seed,
    '--json',
  ];
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;

export async function liveBench(o: {
  sink: string;
  dataDir: string;
  accountId: string;
  key: Key;
  events: number;
  env: Record<string, string>;
  startServe(): Promise<Child>;
}): Promise<Row[]> {
  const trail = `bench-live-${o.sink.startsWith('dev') ? 'sls' : 'file'}`;
  let serve = await o.startServe();
  await callV1(serve.url, o.key, 'CreateTrail', {
    Name: trail,
    SlsProjectArn: `acs:log:cn-hangzhou:${o.accountId}:project/bench`,
  });
  await callV1(serve.url, o.key, 'StartLogging', { Name: trail });
  const p = probe(o.dataDir, trail);
  try {
    // Capacity: a backlog stored while the server is down, drained after it starts.
    await serve.stop();
    await runCli(seedArgs(o.dataDir, o.accountId, o.events, `${trail}-backlog`), o.env);
    const backlogEnd = p.maxSeq();
    serve = await o.startServe();
    const started = performance.now();
    while (p.checkpoint() < backlogEnd) await new Promise((r) => setTimeout(r, 20));
    const drained = o.events / ((performance.now() - started) / 1000);

    // Latency: events stored by `seed` beside the live server.
    let newestSeen = backlogEnd; // the store's newest sequence at the previous sample
    const latencies: number[] = [];
    let pending: Array<[number, number]> = [];
    const seedStarted = performance.now();
    const seeding = runCli(seedArgs(o.dataDir, o.accountId, o.events, `${trail}-live`), o.env);
    let seedDone = false;
    let seedSeconds = 0;
    void seeding.then(() => {
      seedDone = true;
      seedSeconds = (performance.now() - seedStarted) / 1000;
    });
    const target = backlogEnd + o.events;
    for (;;) {
      const now = performance.now();
      const newest = p.maxSeq();
      if (newest > newestSeen) {
        newestSeen = newest;
        pending.push([newest, now]);
      }
      const acked = p.checkpoint();
      pending = pending.filter(([seq, at]) => {
        if (seq > acked) return true;
        latencies.push(now - at);
        return false;
      });
      if (seedDone && acked >= target) break;
      if (now - seedStarted > 600_000) throw new Error('live delivery still behind after 10 min');
      await new Promise((r) => setTimeout(r, 20));
    }
    await seeding;
    const sorted = latencies.sort((a, b) => a - b);
    const size = `${o.events.toLocaleString('en-US')} events, 1 region`;
    return [
      {
        benchmark: `live delivery, logging SLS trail → ${o.sink}: backlog drained at start`,
        size,
        result: rate(drained, 'events/s'),
        goal: '≥ 20,000/s',
        baseline: '—',
        ratio: '—',
      },
      {
        benchmark: `live delivery → ${o.sink}: stored → acknowledged while \`seed\` writes beside the server`,
        size: `${size}, ${rate(o.events / seedSeconds, 'events/s')} stored`,
        result: `p50 ${ms(percentile(sorted, 50))}, p99 ${ms(percentile(sorted, 99))}, max ${ms(sorted[sorted.length - 1] ?? Number.NaN)}`,
        // An SLS trail's events are due in its logstore (or SLS-layout files) within 5 s.
        goal: 'p99 ≤ 5 s',
        baseline: '—',
        ratio: '—',
      },
    ];
  } finally {
    p.close();
    await serve.stop();
  }
}
