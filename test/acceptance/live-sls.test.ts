import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEvents } from '../../src/db/repositories/events.repository.js';
import { getLogs } from '../../src/sinks/sls/sls-api.js';
import { SlsClient } from '../../src/sinks/sls/sls-client.js';
import { type DevSlsProcess, startDevSlsProcess } from '../helpers/dev-sls-process.js';
import { call } from '../helpers/sdk-clients.js';
import {
  type Credentials,
  readCredentials,
  type ServerProcess,
  startServer,
} from '../helpers/server-process.js';
import { openDatabaseOf } from '../helpers/test-database.js';

const SLS_KEYS = { accessKeyId: 'dev-ak', accessKeySecret: 'dev-secret' };

// [D2]: a logging trail keeps its logstore in `opentrail dev sls` (its own process) current.
describe('a logging trail delivers new events live to opentrail dev sls', () => {
  let sls: DevSlsProcess;
  let server: ServerProcess;
  let creds: Credentials;
  beforeAll(async () => {
    sls = await startDevSlsProcess([], SLS_KEYS);
    server = await startServer({
      env: {
        OPENTRAIL_REGIONS: 'cn-hangzhou,cn-shanghai',
        OPENTRAIL_SLS_ENDPOINT: sls.url,
        OPENTRAIL_SLS_ACCESS_KEY_ID: SLS_KEYS.accessKeyId,
        OPENTRAIL_SLS_ACCESS_KEY_SECRET: SLS_KEYS.accessKeySecret,
      },
    });
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
    const now = Date.now();
    const batch = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({
        eventId: `${prefix}${i}`,
        eventName: 'CreateInstance',
        eventRW: 'Write',
        serviceName: 'Ecs',
        acsRegion: i % 2 ? 'cn-hangzhou' : 'cn-shanghai',
        // Late and future-dated events too: live delivery goes by arrival, not by time.
        eventTime: new Date(Math.floor((now + ((i % 3) - 1) * 86_400_000) / 1000) * 1000)
          .toISOString()
          .replace('.000Z', 'Z'),
      }));
    const ingest = async (list: ReturnType<typeof batch>) => {
      const handle = await openDatabaseOf(server.dataDir);
      await insertEvents(handle.db, creds.accountId, list);
      await handle.close();
    };
    await ingest(batch('not-logging-', 10));
    await call('openapi V3', server, creds, 'StartLogging', { Name: 'live-sls-trail' });
    const live = batch('live-sls-', 60);
    await ingest(live);

    const client = new SlsClient({ endpoint: sls.url, ...SLS_KEYS });
    const read = async () => {
      const logs = [];
      for (let offset = 0; ; offset += 100) {
        const page = await getLogs(client, 'audit', 'actiontrail_live-sls-trail', {
          from: 0,
          to: 2 ** 31,
          offset,
        }).catch(() => []);
        logs.push(...page);
        if (page.length < 100) break;
      }
      return logs.map((l) => (JSON.parse(String(l.event)) as { eventId: string }).eventId);
    };
    let ids: string[] = [];
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      ids = await read();
      if (ids.filter((id) => id.startsWith('live-sls-')).length >= live.length) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    client.close();
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
});
