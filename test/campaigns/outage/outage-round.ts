import { closeSync, fstatSync, openSync, readSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildIngestRequest, sendIngestRequest } from '../../../src/api/ingest/ingest-client.js';
import { startDevSlsProcess } from '../../helpers/dev-sls-process.js';
import { call } from '../../helpers/sdk-clients.js';
import {
  type Credentials,
  freshDataDir,
  readCredentials,
  type ServerProcess,
  startServer,
} from '../../helpers/server-process.js';
import { type RssSample, sampleRss } from './rss.js';

/**
 * Memory while a sink is down (issue 16 item 3): a real `serve` delivers a logging trail live
 * to `opentrail dev sls` (its own process); events arrive through the ingest API before, during
 * and after an outage of dev sls; the server's RSS is sampled throughout. Events wait in the
 * database, not in memory: a live stream re-reads only the chunk it planned before the outage
 * (at most `chunkSize` events), so RSS must not grow with what arrives while SLS is down.
 * After recovery every event must be in the logstore once.
 */
export interface OutageOptions {
  /** Events per ingest request, and the padding that makes each event about this many bytes. */
  perRequest: number;
  eventBytes: number;
  /** Pause between requests (0: back to back). */
  intervalMs: number;
  /** Each phase (warm-up with SLS up, then the outage) sends at least this many requests… */
  minRequests: number;
  /** …lasts at least this long (the warm-up: `warmupMs`)… */
  minMs: number;
  warmupMs: number;
  /** …and the outage lasts until the server has logged this many failed attempts. */
  minFailures: number;
  sampleMs: number;
  delivery: Record<string, number>;
  /** How long recovery may take (the backoff cap plus the backlog). */
  recoveryTimeoutMs: number;
  log?: (line: string) => void;
}

export interface OutageResult {
  samples: RssSample[];
  warmup: { events: number; bytes: number };
  outage: { events: number; bytes: number; ms: number };
  /**
   * Least-squares slope of the server's RSS against the MiB arrived during the outage: about 0
   * when events wait in the database, 1 or more if they were held in memory. Robust to the
   * heap's saw-tooth, which makes any single peak tens of MiB off.
   */
  rssPerArrivedMb: number;
  /** Failed attempts during the outage and the gaps between them (the backoff). */
  failures: { count: number; maxFailuresInARow: number; gapsMs: number[] };
  recoveryMs: number;
  delivered: number;
  lost: number;
  duplicates: number;
}

const SLS_KEYS = { accessKeyId: 'outage-ak', accessKeySecret: 'outage-secret' };
const PROJECT = 'outage-audit';
const TRAIL = 'outage-trail';

/**
 * The eventIds in the logstore, read from dev sls's own file as it grows (only the new whole
 * lines each time: re-reading hundreds of MiB every poll would starve the server of CPU).
 */
class LogstoreReader {
  private offset = 0;
  readonly ids: string[] = [];
  constructor(private readonly dataDir: string) {}
  read(): string[] {
    const file = path.join(this.dataDir, PROJECT, `actiontrail_${TRAIL}`, 'logs.ndjson');
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch {
      return this.ids;
    }
    try {
      const size = fstatSync(fd).size;
      const chunk = Buffer.alloc(size - this.offset);
      readSync(fd, chunk, 0, chunk.length, this.offset);
      // Only whole lines: dev sls may be appending the last one right now.
      const end = chunk.lastIndexOf(0x0a) + 1;
      this.offset += end;
      for (const m of chunk.toString('utf8', 0, end).matchAll(/"eventId\\":\\"([wo]-\d+)\\"/g)) {
        this.ids.push(m[1] as string);
      }
    } finally {
      closeSync(fd);
    }
    return this.ids;
  }
  count(prefix: string): number {
    return new Set(this.read().filter((id) => id.startsWith(prefix))).size;
  }
}

/** The 'delivery failed' lines the server logged: time and failures in a row. */
function failureLines(server: ServerProcess): Array<{ time: number; failures: number }> {
  return server.stdout.flatMap((line) => {
    if (!line.includes('delivery failed')) return [];
    const entry = JSON.parse(line) as { time: number; failures: number };
    return [{ time: entry.time, failures: entry.failures }];
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, ok: () => boolean, ms: number): Promise<number> {
  const started = Date.now();
  while (!ok()) {
    if (Date.now() - started > ms) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(250);
  }
  return Date.now() - started;
}

export async function outageRound(o: OutageOptions): Promise<OutageResult> {
  const log = o.log ?? (() => {});
  let sls = await startDevSlsProcess([], SLS_KEYS);
  const dataDir = freshDataDir('opentrail-outage-');
  const config = path.join(dataDir, 'config.json');
  writeFileSync(config, JSON.stringify({ delivery: o.delivery }));
  const server = await startServer({
    dataDir,
    args: ['--config', config],
    env: {
      OPENTRAIL_REGIONS: 'cn-hangzhou',
      OPENTRAIL_SLS_ENDPOINT: sls.url,
      OPENTRAIL_SLS_ACCESS_KEY_ID: SLS_KEYS.accessKeyId,
      OPENTRAIL_SLS_ACCESS_KEY_SECRET: SLS_KEYS.accessKeySecret,
    },
  });
  const rss = sampleRss(server.child.pid as number, o.sampleMs);
  const stored = new LogstoreReader(sls.dataDir);
  try {
    const creds = readCredentials(dataDir);
    await call('openapi V3', server, creds, 'CreateTrail', {
      Name: TRAIL,
      SlsProjectArn: `acs:log:cn-hangzhou:${creds.accountId}:project/${PROJECT}`,
    });
    await call('openapi V3', server, creds, 'StartLogging', { Name: TRAIL });
    const ingest = ingester(server, creds, o);

    rss.phase('warmup');
    const warmup = await ingest.phase('w-', o.minRequests, o.warmupMs, () => true);
    await waitFor('warm-up delivered', () => stored.count('w-') >= warmup.events, 120_000);
    log(`warm-up: ${warmup.events} events delivered`);
    await sleep(o.sampleMs * 3); // a few samples of the steady state before the outage

    const port = new URL(sls.url).port;
    await sls.stop();
    rss.phase('outage');
    const before = failureLines(server).length;
    const started = Date.now();
    const outage = await ingest.phase(
      'o-',
      o.minRequests,
      o.minMs,
      () => failureLines(server).length - before >= o.minFailures,
    );
    const outageMs = Date.now() - started;
    const slope = rssSlope(rss.samples(), ingest.arrivals, started, started + outageMs);
    const failed = failureLines(server).slice(before);
    log(`outage: ${outage.events} events in ${outageMs} ms, ${failed.length} failed attempts`);

    rss.phase('recovery');
    sls = await startDevSlsProcess(['--port', port], SLS_KEYS, sls.dataDir);
    const recoveryMs = await waitFor(
      'recovery',
      () => stored.count('o-') >= outage.events,
      o.recoveryTimeoutMs,
    );
    rss.phase('after');
    await sleep(o.sampleMs * 5);
    const ids = stored.read();
    const unique = new Set(ids);
    const expected = warmup.events + outage.events;
    return {
      samples: rss.stop(),
      warmup,
      outage: { ...outage, ms: outageMs },
      rssPerArrivedMb: slope,
      failures: {
        count: failed.length,
        maxFailuresInARow: Math.max(0, ...failed.map((f) => f.failures)),
        gapsMs: failed.slice(1).map((f, i) => f.time - (failed[i] as { time: number }).time),
      },
      recoveryMs,
      delivered: unique.size,
      lost: expected - unique.size,
      duplicates: ids.length - unique.size,
    };
  } finally {
    rss.stop();
    await server.stop();
    await sls.stop();
  }
}

/** Sends events `<prefix><n>` through the ingest API, one request after another. */
function ingester(server: ServerProcess, creds: Credentials, o: OutageOptions) {
  const padding = 'x'.repeat(Math.max(0, o.eventBytes - 200));
  let n = 0;
  /** When each request was stored (epoch ms) and the bytes sent so far. */
  const arrivals: Array<{ at: number; bytes: number }> = [];
  let total = 0;
  return {
    arrivals,
    async phase(prefix: string, minRequests: number, minMs: number, more: () => boolean) {
      const started = Date.now();
      let events = 0;
      let bytes = 0;
      for (let r = 0; r < minRequests || Date.now() - started < minMs || !more(); r++) {
        const now = new Date().toISOString();
        const batch = Array.from({ length: o.perRequest }, () => ({
          eventId: `${prefix}${n++}`,
          eventName: 'CreateInstance',
          serviceName: 'Ecs',
          acsRegion: 'cn-hangzhou',
          eventTime: now,
          requestParameters: { note: padding },
        }));
        const req = buildIngestRequest({ ...creds, host: server.host, events: batch });
        const res = await sendIngestRequest(req);
        if (res.status !== 200 || res.body.Accepted !== batch.length) {
          throw new Error(
            `ingest answered ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`,
          );
        }
        events += batch.length;
        bytes += (req.body as Buffer).length;
        total += (req.body as Buffer).length;
        arrivals.push({ at: Date.now(), bytes: total });
        if (o.intervalMs > 0) await sleep(o.intervalMs);
      }
      return { events, bytes };
    },
  };
}

/** The slope of RSS (MiB) against MiB arrived since `from`, over the samples in [from, to]. */
function rssSlope(
  samples: RssSample[],
  arrivals: Array<{ at: number; bytes: number }>,
  from: number,
  to: number,
): number {
  const before = arrivals.filter((a) => a.at <= from).at(-1)?.bytes ?? 0;
  const points = samples
    .filter((s) => s.at >= from && s.at <= to)
    .map((s) => {
      const arrived = (arrivals.filter((a) => a.at <= s.at).at(-1)?.bytes ?? 0) - before;
      return { x: arrived / 2 ** 20, y: s.rssMb };
    });
  const mean = (f: (p: { x: number; y: number }) => number) =>
    points.reduce((sum, p) => sum + f(p), 0) / points.length;
  const mx = mean((p) => p.x);
  const my = mean((p) => p.y);
  const sxx = points.reduce((sum, p) => sum + (p.x - mx) ** 2, 0);
  const sxy = points.reduce((sum, p) => sum + (p.x - mx) * (p.y - my), 0);
  return sxx > 0 ? sxy / sxx : Number.NaN;
}
