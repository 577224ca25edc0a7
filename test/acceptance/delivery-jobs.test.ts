import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEvents } from '../../src/db/repositories/events.repository.js';
import { readOssDelivery } from '../helpers/delivered-files.js';
import { call } from '../helpers/sdk-clients.js';
import {
  type Credentials,
  readCredentials,
  type ServerProcess,
  startServer,
} from '../helpers/server-process.js';
import { openDatabaseOf } from '../helpers/test-database.js';

describe('a user backfills a trail with the real server', () => {
  let server: ServerProcess;
  let creds: Credentials;
  beforeAll(async () => {
    server = await startServer({
      env: {
        OPENTRAIL_REGIONS: 'cn-hangzhou,cn-shanghai',
        OPENTRAIL_DELIVERY_HISTORY_TO_OSS: 'true',
      },
    });
    creds = readCredentials(server.dataDir);
  });
  afterAll(() => server?.stop());

  it('watches the job go 0 → 1 → 2 within seconds and finds every event in the data directory', async () => {
    const now = Date.now();
    const events = Array.from({ length: 300 }, (_, i) => ({
      eventId: `user-${i}`,
      eventName: 'CreateInstance',
      eventRW: 'Write',
      serviceName: 'Ecs',
      acsRegion: i % 3 ? 'cn-hangzhou' : 'cn-shanghai',
      eventTime: new Date(Math.floor((now - (i % 80) * 86_400_000 - i * 60_000) / 1000) * 1000)
        .toISOString()
        .replace('.000Z', 'Z'),
    }));
    const handle = await openDatabaseOf(server.dataDir);
    await insertEvents(handle.db, creds.accountId, events);
    await handle.close();

    await call('pop-core POST', server, creds, 'CreateTrail', {
      Name: 'backfill-trail',
      OssBucketName: 'backfill-bucket',
      OssKeyPrefix: 'audit-logs',
    });
    const created = Date.now();
    const { JobId } = await call('openapi V3', server, creds, 'CreateDeliveryHistoryJob', {
      TrailName: 'backfill-trail',
    });
    const seen = new Set<number>();
    let left0At: number | undefined;
    let job: Record<string, unknown> = {};
    while (Date.now() - created < 30_000) {
      job = await call('openapi V3', server, creds, 'GetDeliveryHistoryJob', { JobId });
      seen.add(job.JobStatus as number);
      if (left0At === undefined && job.JobStatus !== 0) left0At = Date.now();
      if (job.JobStatus === 2 || job.JobStatus === 3) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(job.JobStatus).toBe(2);
    // decisions §5: a job leaves status 0 within 2 s when a worker is free (generous bound).
    expect((left0At ?? Number.POSITIVE_INFINITY) - created).toBeLessThan(2_000);
    expect([...seen].every((s) => s >= 0 && s <= 2)).toBe(true);

    const delivered = readOssDelivery(path.join(server.dataDir, 'delivery'), 'backfill-bucket');
    expect(delivered.every((d) => d.file.startsWith('audit-logs/AliyunLogs/Actiontrail/'))).toBe(
      true,
    );
    const mine = delivered.filter((d) => d.eventId.startsWith('user-')).map((d) => d.eventId);
    expect(mine.sort()).toEqual(events.map((e) => e.eventId).sort());
  });
});
