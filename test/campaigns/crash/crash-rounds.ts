import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { insertEvents } from '../../../src/db/repositories/events.repository.js';
import { readOssDelivery } from '../../helpers/delivered-files.js';
import { call } from '../../helpers/sdk-clients.js';
import {
  BIN,
  freshDataDir,
  REPO_ROOT,
  type ServerProcess,
  startServer,
} from '../../helpers/server-process.js';
import { databaseEnvFor, openDatabaseOf } from '../../helpers/test-database.js';

/**
 * Crash campaign rounds (issue 16 item 2): a history job, a live stream or an `import`, killed
 * with SIGKILL at seeded random points and restarted at once, then read back from the file
 * sink (or the store): events lost and duplicated. Points are weighted toward the dangerous
 * ones: after a sink acknowledgement before the checkpoint, inside the checkpoint transaction,
 * during a lease renewal.
 */
export interface RoundResult {
  kind: 'history' | 'live' | 'import';
  crashes: string[];
  kills: number;
  events: number;
  lost: number;
  duplicates: number;
}

const started: ServerProcess[] = [];

/** startServer, remembered so a round that fails can leave no server behind. */
async function start(options: Parameters<typeof startServer>[0]): Promise<ServerProcess> {
  const server = await startServer(options);
  started.push(server);
  return server;
}

/** Kills every server a round started that is still running (after a failed round). */
export function killLeftovers(): void {
  for (const s of started.splice(0)) {
    if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
  }
}

/** mulberry32: a small seeded generator, so a failing round can be replayed from its seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `batches`: one per event here; a checkpoint closes every chunk of CHUNK events. */
function crashPoint(rng: () => number, batches: number): string {
  const r = rng();
  if (r < 0.45) return `after-ack:${1 + Math.floor(rng() * batches * 0.8)}`;
  if (r < 0.8) return `in-checkpoint:${1 + Math.floor(rng() * (batches / CHUNK) * 0.8)}`;
  return `during-renewal:${1 + Math.floor(rng() * 2)}`;
}

const CHUNK = 4;
const KEY = { accessKeyId: 'crashcampaignkey', accessKeySecret: 'crashcampaignsecret' };
const ACCOUNT = '1888000099990000';
const REGIONS = ['cn-hangzhou', 'cn-shanghai'];
const env = {
  OPENTRAIL_ACCOUNT_ID: ACCOUNT,
  OPENTRAIL_ACCESS_KEY_ID: KEY.accessKeyId,
  OPENTRAIL_ACCESS_KEY_SECRET: KEY.accessKeySecret,
  OPENTRAIL_REGIONS: REGIONS.join(','),
  OPENTRAIL_DELIVERY_HISTORY_TO_OSS: 'true',
};
const iso = (ms: number) =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

function events(prefix: string, count: number, start: number, stepMs = 5 * 60_000) {
  return Array.from({ length: count }, (_, i) => ({
    eventId: `${prefix}-${i}`,
    eventName: 'DescribeInstances',
    serviceName: 'Ecs',
    acsRegion: REGIONS[i % REGIONS.length],
    // Each in its own 5-minute bucket: one OSS object per event, so many batches.
    eventTime: iso(start + i * stepMs),
  }));
}

function prepareDir(): { dataDir: string; args: string[] } {
  const dataDir = freshDataDir('opentrail-crash-campaign-');
  writeFileSync(
    path.join(dataDir, 'config.json'),
    JSON.stringify({
      delivery: {
        workers: 1,
        chunkSize: CHUNK,
        inFlight: 2,
        leaseSeconds: 1,
        sliceMs: 5000,
        liveFlushMs: 200,
        liveFlushEvents: 4,
        historyFileEvents: 1, // one history object per event: a kill point between any two
      },
    }),
  );
  return { dataDir, args: ['--config', path.join(dataDir, 'config.json')] };
}

/** Resolves true when the process was killed, false when `done()` turned true first. */
async function killedOrDone(server: ServerProcess, done: () => Promise<boolean>, ms = 120_000) {
  const start = Date.now();
  while (Date.now() - start < ms) {
    if (server.child.signalCode !== null || server.child.exitCode !== null) return true;
    if (await done().catch(() => false)) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('neither killed nor done in time');
}

function tally(
  kind: RoundResult['kind'],
  crashes: string[],
  kills: number,
  expected: string[],
  got: string[],
): RoundResult {
  const unique = new Set(got);
  return {
    kind,
    crashes,
    kills,
    events: expected.length,
    lost: expected.filter((id) => !unique.has(id)).length,
    duplicates: got.length - unique.size,
  };
}

/** A history job to the file sink (OSS layout), killed up to `kills` times. */
export async function historyRound(
  rng: () => number,
  count: number,
  kills: number,
): Promise<RoundResult> {
  const { dataDir, args } = prepareDir();
  const history = events('hist', count, Date.now() - 20 * 86_400_000);
  const crashes = Array.from({ length: kills }, () => crashPoint(rng, count));
  let server = await start({
    dataDir,
    args,
    env: { ...env, OPENTRAIL_TEST_CRASH_AT: crashes[0] as string },
  });
  const h = await openDatabaseOf(dataDir);
  await insertEvents(h.db, ACCOUNT, history);
  await h.close();
  await call('openapi V3', server, KEY, 'CreateTrail', {
    Name: 'crash-trail',
    OssBucketName: 'crash-bucket',
  });
  const { JobId } = await call('openapi V3', server, KEY, 'CreateDeliveryHistoryJob', {
    TrailName: 'crash-trail',
  });
  const ended = async () => {
    const job = await call('openapi V3', server, KEY, 'GetDeliveryHistoryJob', { JobId });
    return job.JobStatus === 2 || job.JobStatus === 3;
  };
  let done = 0;
  for (let k = 0; k <= kills; k++) {
    if (!(await killedOrDone(server, ended))) break;
    done += 1;
    const next = crashes[k + 1];
    server = await start({
      dataDir,
      args,
      env: next ? { ...env, OPENTRAIL_TEST_CRASH_AT: next } : env,
    });
  }
  await server.stop();
  const got = readOssDelivery(path.join(dataDir, 'delivery'), 'crash-bucket', 'hist-').map(
    (e) => e.eventId,
  );
  return tally(
    'history',
    crashes,
    done,
    history.map((e) => e.eventId),
    got,
  );
}

/** A logging trail receiving events while the server is killed; live delivery to the file sink. */
export async function liveRound(
  rng: () => number,
  count: number,
  kills: number,
): Promise<RoundResult> {
  const { dataDir, args } = prepareDir();
  const crashes = Array.from({ length: kills }, () => crashPoint(rng, count / 2));
  let server = await start({
    dataDir,
    args,
    env: { ...env, OPENTRAIL_TEST_CRASH_AT: crashes[0] as string },
  });
  await call('openapi V3', server, KEY, 'CreateTrail', {
    Name: 'live-trail',
    OssBucketName: 'live-bucket',
  });
  await call('openapi V3', server, KEY, 'StartLogging', { Name: 'live-trail' });
  const live = events('live', count, Date.now() - (count + 2) * 5 * 60_000);
  // Stored straight into the database in small groups, as the ingest API would over time.
  for (let i = 0; i < live.length; i += 20) {
    const h = await openDatabaseOf(dataDir);
    await insertEvents(h.db, ACCOUNT, live.slice(i, i + 20));
    await h.close();
  }
  const deliveredAll = async () =>
    new Set(
      readOssDelivery(path.join(dataDir, 'delivery'), 'live-bucket', 'live-').map((e) => e.eventId),
    ).size === count;
  let done = 0;
  for (let k = 0; k <= kills; k++) {
    if (!(await killedOrDone(server, deliveredAll))) break;
    done += 1;
    const next = crashes[k + 1];
    server = await start({
      dataDir,
      args,
      env: next ? { ...env, OPENTRAIL_TEST_CRASH_AT: next } : env,
    });
  }
  await killedOrDone(server, deliveredAll, 60_000);
  await server.stop();
  const got = readOssDelivery(path.join(dataDir, 'delivery'), 'live-bucket', 'live-').map(
    (e) => e.eventId,
  );
  return tally(
    'live',
    crashes,
    done,
    live.map((e) => e.eventId),
    got,
  );
}

/** `opentrail import` of a file, killed after a random delay, then run again to the end. */
export async function importRound(rng: () => number, count: number): Promise<RoundResult> {
  const dataDir = freshDataDir('opentrail-crash-import-');
  const file = path.join(dataDir, 'export.ndjson.gz');
  const exported = events('imp', count, Date.now() - 10 * 86_400_000, 1_000);
  writeFileSync(file, gzipSync(exported.map((e) => JSON.stringify(e)).join('\n')));
  const dbEnv = await databaseEnvFor(dataDir);
  const run = (killAfterMs?: number) =>
    new Promise<string | null>((resolve) => {
      const child = spawn(
        process.execPath,
        [BIN, 'import', '--data-dir', dataDir, '--account', ACCOUNT, file],
        {
          cwd: REPO_ROOT,
          env: { ...process.env, ...dbEnv, ...env },
          stdio: 'ignore',
        },
      );
      if (killAfterMs !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      child.once('exit', (_code, signal) => resolve(signal));
    });
  // The account must exist: a first `serve` creates it from the environment.
  await (await start({ dataDir, env })).stop();
  const delay = 300 + Math.floor(rng() * 2500);
  const signal = await run(delay);
  await run();
  const h = await openDatabaseOf(dataDir);
  const rows = await h.db
    .selectFrom('events')
    .select('event_id')
    .where('event_id', 'like', 'imp-%')
    .execute();
  await h.close();
  return tally(
    'import',
    [`kill after ${delay} ms`],
    signal === 'SIGKILL' ? 1 : 0,
    exported.map((e) => e.eventId),
    rows.map((r) => r.event_id),
  );
}
