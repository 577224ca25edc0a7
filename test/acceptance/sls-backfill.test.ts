import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEvents } from '../../src/db/repositories/events.repository.js';
import { getLogs } from '../../src/sinks/sls/sls-api.js';
import { SlsClient } from '../../src/sinks/sls/sls-client.js';
import { waitForJobEnd } from '../helpers/delivery-jobs.js';
import { type DevSlsProcess, startDevSlsProcess } from '../helpers/dev-sls-process.js';
import { call } from '../helpers/sdk-clients.js';
import {
  type Credentials,
  readCredentials,
  type ServerProcess,
  startServer,
} from '../helpers/server-process.js';
import { openDatabaseOf } from '../helpers/test-database.js';

// The README's walk-through: `opentrail dev sls` beside `serve`, a backfill job fills it.
const SLS_KEYS = { accessKeyId: 'dev-ak', accessKeySecret: 'dev-secret' };

describe('a user backfills a trail into opentrail dev sls', () => {
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

  it('finds every event in the logstore actiontrail_<trail>, at its eventTime', async () => {
    const now = Date.now();
    const events = Array.from({ length: 120 }, (_, i) => ({
      eventId: `sls-${i}`,
      eventName: 'CreateInstance',
      eventRW: 'Write',
      serviceName: 'Ecs',
      acsRegion: i % 3 ? 'cn-hangzhou' : 'cn-shanghai',
      eventTime: new Date(Math.floor((now - (i % 60) * 86_400_000 - i * 60_000) / 1000) * 1000)
        .toISOString()
        .replace('.000Z', 'Z'),
    }));
    const handle = await openDatabaseOf(server.dataDir);
    await insertEvents(handle.db, creds.accountId, events);
    await handle.close();

    await call('pop-core POST', server, creds, 'CreateTrail', {
      Name: 'sls-trail',
      SlsProjectArn: `acs:log:cn-hangzhou:${creds.accountId}:project/audit`,
    });
    const { JobId } = await call('openapi V3', server, creds, 'CreateDeliveryHistoryJob', {
      TrailName: 'sls-trail',
    });
    const job = await waitForJobEnd(server, creds, JobId, 60_000);
    expect(job.JobStatus).toBe(2);

    const client = new SlsClient({ endpoint: sls.url, ...SLS_KEYS });
    const logs = [];
    for (let offset = 0; ; offset += 100) {
      const page = await getLogs(client, 'audit', 'actiontrail_sls-trail', {
        from: 0,
        to: 2 ** 31,
        query: '__topic__: actiontrail_audit_event',
        offset,
      });
      logs.push(...page);
      if (page.length < 100) break;
    }
    client.close();
    const mine = logs
      .map((l) => ({ time: l.__time__, event: JSON.parse(String(l.event)) }))
      .filter((l) => String(l.event.eventId).startsWith('sls-'));
    expect(mine.map((l) => l.event.eventId).sort()).toEqual(events.map((e) => e.eventId).sort());
    for (const l of mine) expect(l.time).toBe(Date.parse(l.event.eventTime) / 1000);
  });
});
