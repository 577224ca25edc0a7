import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEvents } from '../../src/db/repositories/events.repository.js';
import { type DevSlsProcess, startDevSlsProcess } from '../helpers/dev-sls-process.js';
import { call } from '../helpers/sdk-clients.js';
import {
  type Credentials,
  freshDataDir,
  readCredentials,
  type ServerProcess,
  startServer,
  waitForExit,
} from '../helpers/server-process.js';
import { storedEventIds } from '../helpers/sls-logstore.js';
import { openDatabaseOf } from '../helpers/test-database.js';

const SLS_KEYS = { accessKeyId: 'dev-ak', accessKeySecret: 'dev-secret' };
const REGIONS = 'cn-hangzhou,cn-shanghai';
const slsEnv = (url: string) => ({
  OPENTRAIL_REGIONS: REGIONS,
  OPENTRAIL_SLS_ENDPOINT: url,
  OPENTRAIL_SLS_ACCESS_KEY_ID: SLS_KEYS.accessKeyId,
  OPENTRAIL_SLS_ACCESS_KEY_SECRET: SLS_KEYS.accessKeySecret,
});

/** `n` events `<prefix><i>`: late, current and future-dated (live goes by arrival, not time). */
function batch(prefix: string, n: number) {
  const now = Date.now();
  return Array.from({ length: n }, (_, i) => ({
    eventId: `${prefix}${i}`,
    eventName: 'CreateInstance',
    eventRW: 'Write',
    serviceName: 'Ecs',
    acsRegion: i % 2 ? 'cn-hangzhou' : 'cn-shanghai',
    eventTime: new Date(Math.floor((now + ((i % 3) - 1) * 86_400_000) / 1000) * 1000)
      .toISOString()
      .replace('.000Z', 'Z'),
  }));
}

async function ingest(dataDir: string, accountId: string, list: ReturnType<typeof batch>) {
  const handle = await openDatabaseOf(dataDir);
  await insertEvents(handle.db, accountId, list);
  await handle.close();
}

/** Every eventId stored in logstore `actiontrail_<trail>` of project `audit` (repeats kept). */
function storedIds(slsUrl: string, trail: string): Promise<string[]> {
  return storedEventIds(slsUrl, SLS_KEYS, 'audit', `actiontrail_${trail}`, { missing: 'empty' });
}

/** Polls until every id with `prefix` in `expected` is stored (or 60 s pass); the stored ids. */
async function waitForIds(slsUrl: string, trail: string, prefix: string, expected: number) {
  let ids: string[] = [];
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    ids = await storedIds(slsUrl, trail);
    if (new Set(ids.filter((id) => id.startsWith(prefix))).size >= expected) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return ids;
}

async function logTo(server: ServerProcess, creds: Credentials, trail: string) {
  await call('pop-core POST', server, creds, 'CreateTrail', {
    Name: trail,
    SlsProjectArn: `acs:log:cn-hangzhou:${creds.accountId}:project/audit`,
  });
  await call('openapi V3', server, creds, 'StartLogging', { Name: trail });
}

// [D2]: a logging trail keeps its logstore in `opentrail dev sls` (its own process) current.
describe('a logging trail delivers new events live to opentrail dev sls', () => {
  let sls: DevSlsProcess;
  let server: ServerProcess;
  let creds: Credentials;
  beforeAll(async () => {
    sls = await startDevSlsProcess([], SLS_KEYS);
    server = await startServer({ env: slsEnv(sls.url) });
    creds = readCredentials(server.dataDir);
  });
  afterAll(async () => {
    await server?.stop();
    await sls?.stop();
  });

  it('finds every event ingested after StartLogging in actiontrail_<trail>, and none before', async () => {
    await call('pop-core POST', server, creds, 'CreateTrail', {
      Name: 'live-sls-trail',
      SlsProjectArn: `acs:log:cn-hangzhou:${creds.accountId}:project/audit`,
    });
    await ingest(server.dataDir, creds.accountId, batch('not-logging-', 10));
    await call('openapi V3', server, creds, 'StartLogging', { Name: 'live-sls-trail' });
    const live = batch('live-sls-', 60);
    await ingest(server.dataDir, creds.accountId, live);

    const ids = await waitForIds(sls.url, 'live-sls-trail', 'live-sls-', live.length);
    expect(ids.filter((id) => id.startsWith('live-sls-')).sort()).toEqual(
      live.map((e) => e.eventId).sort(),
    );
    expect(ids.filter((id) => id.startsWith('not-logging-'))).toEqual([]);
    const status = await call('openapi V3', server, creds, 'GetTrailStatus', {
      Name: 'live-sls-trail',
    });
    expect(status).toMatchObject({
      IsLogging: true,
      LatestDeliveryLogServiceTime: expect.stringMatching(/^\d{4}-/),
      LatestDeliveryLogServiceError: '',
      SlsLogStoreStatus: true,
    });
  });

  it('SLS down for a while and back: nothing lost; GetTrailStatus shows the error, then the recovery', async () => {
    await logTo(server, creds, 'down-trail');
    const first = batch('down-before-', 10);
    await ingest(server.dataDir, creds.accountId, first);
    await waitForIds(sls.url, 'down-trail', 'down-before-', first.length);

    const port = new URL(sls.url).port;
    await sls.stop();
    const during = batch('down-during-', 30);
    await ingest(server.dataDir, creds.accountId, during);
    const status = () =>
      call('openapi V3', server, creds, 'GetTrailStatus', { Name: 'down-trail' });
    let down = await status();
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
      if (down.LatestDeliveryLogServiceError !== '') break;
      await new Promise((r) => setTimeout(r, 200));
      down = await status();
    }
    expect(down.LatestDeliveryLogServiceError).not.toBe('');
    expect(down.IsLogging).toBe(true); // a live stream never ends on an error

    sls = await startDevSlsProcess(['--port', port], SLS_KEYS, sls.dataDir);
    // The logstore also holds the self-audit records of the API calls made here: keep ours.
    const ids = (
      await waitForIds(sls.url, 'down-trail', 'down-', first.length + during.length)
    ).filter((id) => id.startsWith('down-'));
    expect([...new Set(ids)].sort()).toEqual([...first, ...during].map((e) => e.eventId).sort());
    expect(ids.length).toBe(new Set(ids).size); // refused connections stored nothing twice
    let recovered = await status();
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
      if (recovered.LatestDeliveryLogServiceError === '') break;
      await new Promise((r) => setTimeout(r, 200));
      recovered = await status();
    }
    expect(recovered).toMatchObject({ LatestDeliveryLogServiceError: '', SlsLogStoreStatus: true });
    expect(Date.parse(recovered.LatestDeliveryLogServiceTime as string)).toBeGreaterThanOrEqual(
      Date.parse(down.LatestDeliveryLogServiceTime as string),
    );
  });
});

describe('live delivery into dev sls killed with SIGKILL mid-stream', () => {
  let sls: DevSlsProcess;
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.stop();
    await sls?.stop();
  });

  it('resumes after a restart: every event stored, duplicates only from the batches in flight', async () => {
    sls = await startDevSlsProcess([], SLS_KEYS);
    const dataDir = freshDataDir('opentrail-live-sls-crash-');
    const config = path.join(dataDir, 'config.json');
    // Small chunks (4 events, 2 batches in flight per region's stream) so the crash lands
    // between acknowledgements; what may be re-sent is what was in flight in both regions.
    const inFlightEvents = 2 * 2 * 4;
    writeFileSync(
      config,
      JSON.stringify({
        delivery: { chunkSize: 4, inFlight: 2, leaseSeconds: 1, pollMs: 50, sliceMs: 5000 },
      }),
    );
    const args = ['--config', config];
    const env = slsEnv(sls.url);
    server = await startServer({
      dataDir,
      args,
      env: { ...env, OPENTRAIL_TEST_CRASH_AT: 'after-ack:6' },
    });
    const creds = readCredentials(dataDir);
    await logTo(server, creds, 'crash-trail');
    const before = batch('crash-', 80);
    await ingest(dataDir, creds.accountId, before);
    expect(await waitForExit(server, 60_000)).toBe('SIGKILL');
    const atCrash = new Set(
      (await storedIds(sls.url, 'crash-trail')).filter((id) => id.startsWith('crash-')),
    );
    expect(atCrash.size).toBeGreaterThan(0);
    expect(atCrash.size).toBeLessThan(before.length);

    server = await startServer({ dataDir, args, env });
    const after = batch('crash-after-', 20);
    await ingest(dataDir, creds.accountId, after);
    const all = [...before, ...after].map((e) => e.eventId);
    const ids = (await waitForIds(sls.url, 'crash-trail', 'crash-', all.length)).filter((id) =>
      id.startsWith('crash-'),
    );
    expect([...new Set(ids)].sort()).toEqual(all.sort());
    expect(ids.length - new Set(ids).size).toBeLessThanOrEqual(inFlightEvents);
  });
});
