/**
 * `npm run bench`: every figure of issue 14 beside its goal and a baseline measured in the same
 * run. Sizes are flags; `--tiny` is the smoke run test/acceptance/bench.test.ts makes. Writes
 * the table into docs/benchmarks.md (between its markers) unless `--out -`.
 *
 *   npm run bench -- --events 1000000 --api-requests 40000
 *   npm run bench -- --only seed,api --database-url postgres://…
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startS3rver } from '../test/helpers/s3rver.js';
import { apiBench, type Key, warmUpRequests } from './api-bench.js';
import { historyRow, runHistoryJob, scanGzipBaseline } from './history-bench.js';
import { importBench, ingestBench } from './intake-bench.js';
import { liveBench } from './live-bench.js';
import { lookupBench } from './lookup-bench.js';
import { REPO_ROOT, startDevSls, startServe } from './processes.js';
import { markdownTable, type Row, writeReport } from './report.js';
import { seedBench } from './seed-bench.js';

const ALL = [
  'seed',
  'api',
  'lookup',
  'import',
  'ingest',
  'history-file',
  'history-file-oss',
  'history-sparse',
  'history-sls',
  'history-oss',
  'live-file',
  'live-sls',
] as const;
type Bench = (typeof ALL)[number];
/** The history jobs on the dense store: each delivers one copy of it. */
const DENSE_HISTORY: readonly Bench[] = [
  'history-file',
  'history-file-oss',
  'history-sls',
  'history-oss',
];

const DEFAULT_OUT = path.join(REPO_ROOT, 'docs/benchmarks.md');

const USAGE = `usage: npm run bench -- [options]
  --events N          dense store size (default 1000000)
  --sparse-events N   sparse store size, 89 days (default 100000)
  --api-requests N    signed requests per API case (default 20000)
  --connections N     keep-alive connections of the load (default 32)
  --lookups N         LookupEvents pages (default 180)
  --only a,b          some of: ${ALL.join(', ')} (seed always runs)
  --data-root DIR     where the temporary stores go (default: the OS temp dir)
  --database-url URL  run on PostgreSQL instead of SQLite
  --out FILE|-        the report (default docs/benchmarks.md; - prints only)
  --tiny              the smoke sizes of test/acceptance/bench.test.ts
  --keep              keep the temporary directory`;

function parseFlags() {
  try {
    return parseArgs({
      options: {
        help: { type: 'boolean', short: 'h', default: false },
        events: { type: 'string', default: '1000000' },
        'sparse-events': { type: 'string', default: '100000' },
        'api-requests': { type: 'string', default: '20000' },
        connections: { type: 'string', default: '32' },
        lookups: { type: 'string', default: '180' },
        only: { type: 'string', default: ALL.join(',') },
        'data-root': { type: 'string', default: tmpdir() },
        'database-url': { type: 'string' },
        out: { type: 'string', default: DEFAULT_OUT },
        tiny: { type: 'boolean', default: false },
        keep: { type: 'boolean', default: false },
      },
    }).values;
  } catch (e) {
    // A mistyped flag gets one line and the usage, not parseArgs' stack.
    console.error(`bench: ${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

const flags = parseFlags();
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}

function whole(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number ≥ 1`);
  return n;
}

const tiny = flags.tiny;
// Tiny: few enough that the sparse OSS history (about one object per event) stays quick.
const events = tiny ? 1_000 : whole('events', flags.events);
const sparseEvents = tiny ? 300 : whole('sparse-events', flags['sparse-events']);
const apiRequests = tiny ? 200 : whole('api-requests', flags['api-requests']);
const connections = tiny ? 4 : whole('connections', flags.connections);
const lookups = tiny ? 18 : whole('lookups', flags.lookups);
const only = new Set(flags.only?.split(',').map((s) => s.trim()) as Bench[]);
for (const b of only) if (!ALL.includes(b)) throw new Error(`--only: unknown benchmark ${b}`);
// `seed` is what every other benchmark reads, so it always runs.
only.add('seed');

/**
 * Free disk first: ~2.5 KB per event in a store (JSON and its index entries: a 1 M store is
 * 2.4 GB, a 10 M one 24.1 GB), ~1 KB per event for the seed's bare-insert baseline and an
 * import's NDJSON file, ~1 KB per event per delivered copy; only the stores the chosen
 * benchmarks make, with half as much again to spare. Refusing beats filling a shared disk.
 */
function checkDisk(root: string): void {
  const s = statfsSync(root);
  const free = s.bavail * s.bsize;
  const store = 2_560;
  const copy = 1_024;
  const history = DENSE_HISTORY.filter((b) => only.has(b)).length;
  const bytes =
    events * (store + copy + history * copy) +
    (only.has('import') ? events * (store + copy) : 0) +
    (only.has('ingest') ? Math.min(events, 200_000) * store : 0) +
    (only.has('history-sparse') ? sparseEvents * (store + 2 * copy) : 0);
  const need = bytes * 1.5;
  if (free < need) {
    throw new Error(
      `${root} has ${(free / 2 ** 30).toFixed(1)} GiB free; ${events} events need about ${(need / 2 ** 30).toFixed(1)} GiB`,
    );
  }
}

async function main(): Promise<void> {
  const startedAt = performance.now();
  checkDisk(flags['data-root'] ?? tmpdir());
  // What is measured is what a production install runs: dist/, which bin/opentrail.js starts
  // while it is current. The smoke run of the test suite keeps to the sources (a build is ~20 s).
  if (!tiny) {
    console.error('building dist/ (npm run build) …');
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: REPO_ROOT, stdio: 'inherit' });
  }
  const root = mkdtempSync(path.join(flags['data-root'] ?? tmpdir(), 'opentrail-bench-'));
  const dataDir = path.join(root, 'data');
  mkdirSync(dataDir);
  const databaseUrl = flags['database-url'];
  const dbEnv: Record<string, string> = databaseUrl ? { OPENTRAIL_DATABASE_URL: databaseUrl } : {};
  const rows: Row[] = [];
  /** `opentrail dev sls` in its own process, and the settings that point `serve` at it. */
  const devSls = async (dir: string) => {
    const keys = {
      OPENTRAIL_SLS_ACCESS_KEY_ID: 'bench-ak',
      OPENTRAIL_SLS_ACCESS_KEY_SECRET: 'bench-secret',
    };
    mkdirSync(path.join(root, dir));
    const child = await startDevSls(path.join(root, dir), keys);
    return { stop: () => child.stop(), env: { ...keys, OPENTRAIL_SLS_ENDPOINT: child.url } };
  };
  const print = (row: Row) => {
    rows.push(row);
    console.error(`${row.benchmark}: ${row.result}`);
  };
  try {
    const seeded = await seedBench({ dataDir, events, env: dbEnv, baselineDir: root });
    print(seeded.row);
    const accountId = seeded.accountId;
    const key: Key = {
      accessKeyId: `LTAIbench${randomBytes(6).toString('hex')}`,
      accessKeySecret: randomBytes(15).toString('base64url'),
    };
    // The preset key of docs/configuration.md, for the seeded account (re-applied every start).
    const serveEnv = {
      ...dbEnv,
      OPENTRAIL_ACCOUNT_ID: accountId,
      OPENTRAIL_ACCESS_KEY_ID: key.accessKeyId,
      OPENTRAIL_ACCESS_KEY_SECRET: key.accessKeySecret,
    };
    if (only.has('api') || only.has('lookup')) {
      const serve = await startServe({ dataDir, env: serveEnv });
      try {
        if (only.has('api')) {
          for (const row of await apiBench({
            url: serve.url,
            server: serve,
            key,
            requests: apiRequests,
            connections,
          }))
            print(row);
        }
        if (only.has('lookup')) {
          for (const row of await lookupBench({ url: serve.url, key, requests: lookups, events }))
            print(row);
        }
      } finally {
        await serve.stop();
      }
    }
    if (only.has('import')) {
      print(await importBench({ root, count: events, env: dbEnv, baseline: seeded.baseline }));
    }
    if (only.has('ingest')) {
      // At most 200k: the API's figure is steady long before, and the store is one more copy.
      const count = tiny ? 1_000 : Math.min(events, 200_000);
      for (const row of await ingestBench({ root, count, env: dbEnv, baseline: seeded.baseline }))
        print(row);
    }
    // The same baseline serves both sinks: it reads the events once, as a job does (only when a
    // dense history job runs: at 10 M it is minutes of its own).
    const baseline =
      databaseUrl || !DENSE_HISTORY.some((b) => only.has(b))
        ? undefined
        : scanGzipBaseline(dataDir, accountId);
    /** One history job in a fresh `serve` (so its peak RSS is the job's), as a table row. */
    const history = async (
      sink: string,
      trail: string,
      env: Record<string, string>,
      destination?: Record<string, string>,
      store = { dataDir, accountId, events, baseline, spread: undefined as string | undefined },
    ) => {
      const serve = await startServe({
        dataDir: store.dataDir,
        env: { ...serveEnv, OPENTRAIL_ACCOUNT_ID: store.accountId, ...env },
      });
      try {
        const cpuBefore = serve.cpuSeconds();
        const times = await runHistoryJob(serve.url, key, store.accountId, trail, destination);
        const cpuAfter = serve.cpuSeconds();
        const cpuSeconds =
          cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
        print(historyRow({ sink, times, peakRssMb: serve.peakRssMb(), cpuSeconds, ...store }));
      } finally {
        await serve.stop();
      }
    };
    /** An OSS trail with `historyToOss` and no OSS endpoint: the OSS-layout file sink. */
    const ossToFile = { OPENTRAIL_DELIVERY_HISTORY_TO_OSS: 'true' };
    if (only.has('history-file')) await history('file sink (SLS layout)', 'bench-file', {});
    if (only.has('history-file-oss')) {
      await history('file sink (OSS layout)', 'bench-file-oss', ossToFile, {
        OssBucketName: 'bench-bucket',
      });
    }
    if (only.has('history-sparse')) {
      // Its own store: the same generator over 89 days (inside the job's 90-day window). On
      // PostgreSQL both stores are one database: a seed of its own gives the sparse events their
      // own account (with the dense store's seed every event was a duplicate and none stored).
      const sparseDir = path.join(root, 'sparse');
      mkdirSync(sparseDir);
      const sparse = await seedBench({
        dataDir: sparseDir,
        events: sparseEvents,
        days: 89,
        seed: 'bench-sparse',
        env: dbEnv,
        baselineDir: sparseDir,
      });
      print(sparse.row);
      const store = {
        dataDir: sparseDir,
        accountId: sparse.accountId,
        events: sparseEvents,
        baseline: databaseUrl ? undefined : scanGzipBaseline(sparseDir, sparse.accountId),
        spread: 'over 89 days (sparse)',
      };
      await history('file sink (SLS layout)', 'bench-sparse', {}, undefined, store);
      await history(
        'file sink (OSS layout)',
        'bench-sparse-oss',
        ossToFile,
        { OssBucketName: 'bench-bucket' },
        store,
      );
    }
    if (only.has('history-sls')) {
      const sls = await devSls('dev-sls');
      try {
        await history('dev sls (PutLogs)', 'bench-sls', sls.env);
      } finally {
        await sls.stop();
      }
    }
    if (only.has('history-oss')) {
      // s3rver (the S3 fake the tests use) in this process; the server uploads with the S3 SDK.
      const s3 = await startS3rver(['bench-bucket']);
      try {
        await history(
          's3rver (S3 PutObject)',
          'bench-oss',
          {
            OPENTRAIL_DELIVERY_HISTORY_TO_OSS: 'true',
            OPENTRAIL_OSS_ENDPOINT: s3.url,
            OPENTRAIL_OSS_ACCESS_KEY_ID: 'S3RVER',
            OPENTRAIL_OSS_ACCESS_KEY_SECRET: 'S3RVER',
            OPENTRAIL_OSS_FORCE_PATH_STYLE: 'true',
          },
          { OssBucketName: 'bench-bucket' },
        );
      } finally {
        await s3.close();
      }
    }
    // Live delivery reads the store with SQLite directly to time each acknowledgement.
    for (const sink of ['live-file', 'live-sls'] as const) {
      if (!only.has(sink) || databaseUrl) continue;
      const sls = sink === 'live-sls' ? await devSls(`${sink}-sls`) : undefined;
      const env = sls ? { ...serveEnv, ...sls.env } : serveEnv;
      try {
        for (const row of await liveBench({
          sink: sls ? 'dev sls (PutLogs)' : 'file sink (SLS layout)',
          dataDir,
          accountId,
          key,
          events: Math.min(events, tiny ? events : 200_000),
          env: dbEnv,
          startServe: () => startServe({ dataDir, env }),
        }))
          print(row);
      } finally {
        await sls?.stop();
      }
    }
  } finally {
    if (!flags.keep) rmSync(root, { recursive: true, force: true });
  }
  const table = markdownTable(rows);
  console.log(table);
  if (flags.out && flags.out !== '-') {
    const info = {
      date: new Date().toISOString(),
      settings: [
        databaseUrl ? 'PostgreSQL' : 'SQLite (WAL, synchronous=NORMAL)',
        'serve with its defaults (self-audit on, nonces persisted)',
        `events ${events}, API requests ${apiRequests} per case after ${warmUpRequests(apiRequests)} to warm up, ${connections} connections, ${lookups} lookups`,
      ].join('; '),
      elapsedSeconds: (performance.now() - startedAt) / 1000,
    };
    writeReport(flags.out, rows, info);
    // A full SQLite run into the project's page also becomes the README's figures table, so the
    // two never disagree (a PostgreSQL, partial or tiny run leaves the README alone).
    const fullRun = !tiny && !databaseUrl && ALL.every((b) => only.has(b));
    if (fullRun && path.resolve(flags.out) === DEFAULT_OUT) {
      writeReport(path.join(REPO_ROOT, 'README.md'), rows, info);
    }
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
