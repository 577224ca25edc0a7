import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { insertEvents } from '../../../src/db/repositories/events.repository.js';
import { call } from '../../helpers/sdk-clients.js';
import { freshDataDir, type ServerProcess, startServer } from '../../helpers/server-process.js';
import { openDatabaseOf } from '../../helpers/test-database.js';
import { type CrashSink, openSink, type SinkName } from './crash-sinks.js';

/**
 * Crash campaign rounds (issue 16 item 2): a history job, a live stream or an `import`, killed
 * with SIGKILL at seeded random points and restarted at once, then read back from the sink
 * (the file sink or `opentrail dev sls`, crash-sinks.ts) or the store: events lost and
 * duplicated. Points are weighted toward the dangerous ones: after a sink acknowledgement
 * before the checkpoint, inside the checkpoint transaction, during a lease renewal.
 */
export interface RoundResult {
  kind: 'history' | 'live' | 'import';
  /** Where the round delivered; `store` for an import. */
  sink: SinkName | 'store';
  crashes: string[];
  kills: number;
  events: number;
  lost: number;
  duplicates: number;
  /** What the sink admits: 0 but for SLS, the batches in flight at each kill. */
  allowedDuplicates: number;
}

const started: ServerProcess[] = [];

/** startServer, remembered so a round that fails can leave no server behind. */
export async function start(options: Parameters<typeof startServer>[0]): Promise<ServerProcess> {
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

/** A point within the first 80 % of the acknowledgements or checkpoints, so it fires. */
function crashPoint(rng: () => number, at: { acks: number; checkpoints: number }): string {
  const r = rng();
  if (r < 0.45) return `after-ack:${1 + Math.floor(rng() * at.acks * 0.8)}`;
  if (r < 0.8) return `in-checkpoint:${1 + Math.floor(rng() * at.checkpoints * 0.8)}`;
  return `during-renewal:${1 + Math.floor(rng() * 2)}`;
}

export const CHUNK = 4;
const IN_FLIGHT = 2;
export const KEY = { accessKeyId: 'crashcampaignkey', accessKeySecret: 'crashcampaignsecret' };
export const ACCOUNT = '1888000099990000';
const REGIONS = ['cn-hangzhou', 'cn-shanghai'];
export const env = {
  OPENTRAIL_ACCOUNT_ID: ACCOUNT,
  OPENTRAIL_ACCESS_KEY_ID: KEY.accessKeyId,
  OPENTRAIL_ACCESS_KEY_SECRET: KEY.accessKeySecret,
  OPENTRAIL_REGIONS: REGIONS.join(','),
  OPENTRAIL_DELIVERY_HISTORY_TO_OSS: 'true',
};
const iso = (ms: number) =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

export function events(prefix: string, count: number, start: number, stepMs = 5 * 60_000) {
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
        inFlight: IN_FLIGHT,
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

export function tally(
  kind: RoundResult['kind'],
  sink: RoundResult['sink'],
  crashes: string[],
  kills: number,
  expected: string[],
  got: string[],
  allowedDuplicates = 0,
): RoundResult {
  const unique = new Set(got);
  return {
    kind,
    sink,
    allowedDuplicates,
    crashes,
    kills,
    events: expected.length,
    lost: expected.filter((id) => !unique.has(id)).length,
    duplicates: got.length - unique.size,
  };
}

/**
 * Opens the round's sink, runs it, and always closes the sink (a dev sls process must not
 * outlive a failed round).
 */
async function withSink<T>(name: SinkName, run: (sink: CrashSink) => Promise<T>): Promise<T> {
  const sink = await openSink(name);
  try {
    return await run(sink);
  } finally {
    await sink.close();
  }
}

/**
 * Starts the server with the first planned kill, then, after each kill, again at once with
 * the next one (or none); returns when `done()` turns true, with the number of kills.
 */
async function killAndRestart(
  dataDir: string,
  args: string[],
  sink: CrashSink,
  crashes: string[],
  begin: (server: () => ServerProcess) => Promise<() => Promise<boolean>>,
): Promise<number> {
  const envWith = (crash: string | undefined) => ({
    ...env,
    ...sink.env,
    ...(crash ? { OPENTRAIL_TEST_CRASH_AT: crash } : {}),
  });
  let server = await start({ dataDir, args, env: envWith(crashes[0]) });
  const done = await begin(() => server);
  let kills = 0;
  for (let k = 0; k < crashes.length; k++) {
    if (!(await killedOrDone(server, done))) break;
    kills += 1;
    server = await start({ dataDir, args, env: envWith(crashes[k + 1]) });
  }
  await killedOrDone(server, done);
  await server.stop();
  return kills;
}

/** A history job to `sinkName`, killed up to `kills` times. */
export function historyRound(
  rng: () => number,
  count: number,
  kills: number,
  sinkName: SinkName = 'file',
): Promise<RoundResult> {
  return withSink(sinkName, async (sink) => {
    const { dataDir, args } = prepareDir();
    const history = events('hist', count, Date.now() - 20 * 86_400_000);
    const at = sink.points(count, CHUNK);
    const crashes = Array.from({ length: kills }, () => crashPoint(rng, at));
    const done = await killAndRestart(dataDir, args, sink, crashes, async (server) => {
      const h = await openDatabaseOf(dataDir);
      await insertEvents(h.db, ACCOUNT, history);
      await h.close();
      await call('openapi V3', server(), KEY, 'CreateTrail', {
        Name: 'crash-trail',
        ...sink.trail('crash-trail', ACCOUNT),
      });
      const { JobId } = await call('openapi V3', server(), KEY, 'CreateDeliveryHistoryJob', {
        TrailName: 'crash-trail',
      });
      return async () => {
        const job = await call('openapi V3', server(), KEY, 'GetDeliveryHistoryJob', { JobId });
        return job.JobStatus === 2 || job.JobStatus === 3;
      };
    });
    const got = await sink.delivered(dataDir, 'crash-trail', 'hist-');
    const expected = history.map((e) => e.eventId);
    const allowed = done * sink.duplicatesPerKill(IN_FLIGHT, CHUNK);
    return tally('history', sink.name, crashes, done, expected, got, allowed);
  });
}

/** A logging trail receiving events while the server is killed; live delivery to `sinkName`. */
export function liveRound(
  rng: () => number,
  count: number,
  kills: number,
  sinkName: SinkName = 'file',
): Promise<RoundResult> {
  return withSink(sinkName, async (sink) => {
    const { dataDir, args } = prepareDir();
    // Kills in the first half of the stream: the events arrive fast, a later point may never come.
    const crashes = Array.from({ length: kills }, () =>
      crashPoint(rng, sink.points(count / 2, CHUNK)),
    );
    const live = events('live', count, Date.now() - (count + 2) * 5 * 60_000);
    const expected = live.map((e) => e.eventId);
    const done = await killAndRestart(dataDir, args, sink, crashes, async (server) => {
      await call('openapi V3', server(), KEY, 'CreateTrail', {
        Name: 'live-trail',
        ...sink.trail('live-trail', ACCOUNT),
      });
      await call('openapi V3', server(), KEY, 'StartLogging', { Name: 'live-trail' });
      // Stored straight into the database in small groups, as the ingest API would over time.
      for (let i = 0; i < live.length; i += 20) {
        const h = await openDatabaseOf(dataDir);
        await insertEvents(h.db, ACCOUNT, live.slice(i, i + 20));
        await h.close();
      }
      return async () =>
        new Set(await sink.delivered(dataDir, 'live-trail', 'live-')).size === count;
    });
    const got = await sink.delivered(dataDir, 'live-trail', 'live-');
    const allowed = done * sink.duplicatesPerKill(IN_FLIGHT, CHUNK);
    return tally('live', sink.name, crashes, done, expected, got, allowed);
  });
}
