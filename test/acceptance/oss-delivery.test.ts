import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEvents } from '../../src/db/repositories/events.repository.js';
import { listDeliveryFiles } from '../helpers/delivered-files.js';
import { waitForJobEnd } from '../helpers/delivery-jobs.js';
import { type RunningS3rver, startS3rver } from '../helpers/s3rver.js';
import { call, callExpectingError } from '../helpers/sdk-clients.js';
import {
  BIN,
  type Credentials,
  REPO_ROOT,
  readCredentials,
  type ServerProcess,
  startServer,
} from '../helpers/server-process.js';
import { knownDatabaseEnvFor, openDatabaseOf } from '../helpers/test-database.js';

const execFileAsync = promisify(execFile);

// The README's "Deliver to OSS" walk-through with s3rver as the bucket store: `serve` as a user
// starts it, trails checked against the bucket, a backfill job fills it, doctor looks at it.
describe('a user backfills a trail into an S3-compatible bucket (s3rver)', () => {
  let s3: RunningS3rver;
  let server: ServerProcess;
  let creds: Credentials;
  let ossEnv: Record<string, string>;
  beforeAll(async () => {
    s3 = await startS3rver(['audit-logs']);
    ossEnv = {
      OPENTRAIL_REGIONS: 'cn-hangzhou,cn-shanghai',
      OPENTRAIL_OSS_ENDPOINT: s3.url,
      OPENTRAIL_OSS_ACCESS_KEY_ID: 'S3RVER',
      OPENTRAIL_OSS_ACCESS_KEY_SECRET: 'S3RVER',
      OPENTRAIL_OSS_FORCE_PATH_STYLE: 'true',
      OPENTRAIL_DELIVERY_HISTORY_TO_OSS: 'true',
    };
    server = await startServer({ env: ossEnv });
    creds = readCredentials(server.dataDir);
  });
  afterAll(async () => {
    await server?.stop();
    await s3?.close();
  });

  it('refuses a bucket that does not exist, then delivers every event once into the one that does', async () => {
    const missing = await callExpectingError('openapi V3', server, creds, 'CreateTrail', {
      Name: 'oss-trail',
      OssBucketName: 'no-such-logs',
    });
    expect([missing.statusCode, missing.code]).toEqual([404, 'BucketDoesNotExistException']);

    const now = Date.now();
    const events = Array.from({ length: 90 }, (_, i) => ({
      eventId: `oss-acc-${i}`,
      eventName: 'CreateInstance',
      eventRW: 'Write',
      serviceName: 'Ecs',
      acsRegion: i % 3 ? 'cn-hangzhou' : 'cn-shanghai',
      eventTime: new Date(Math.floor((now - (i % 30) * 86_400_000 - i * 60_000) / 1000) * 1000)
        .toISOString()
        .replace('.000Z', 'Z'),
    }));
    const handle = await openDatabaseOf(server.dataDir);
    await insertEvents(handle.db, creds.accountId, events);
    await handle.close();

    await call('pop-core POST', server, creds, 'CreateTrail', {
      Name: 'oss-trail',
      OssBucketName: 'audit-logs',
      OssKeyPrefix: 'actiontrail',
    });
    const { JobId } = await call('openapi V3', server, creds, 'CreateDeliveryHistoryJob', {
      TrailName: 'oss-trail',
    });
    expect((await waitForJobEnd(server, creds, JobId, 60_000)).JobStatus).toBe(2);

    const objects = await s3.objects('audit-logs', 'actiontrail/AliyunLogs/Actiontrail/');
    const delivered = [...objects.values()].flatMap(
      (body) => JSON.parse(gunzipSync(body).toString('utf8')) as Array<{ eventId: string }>,
    );
    const mine = delivered.map((e) => e.eventId).filter((id) => id.startsWith('oss-acc-'));
    expect(mine.sort()).toEqual(events.map((e) => e.eventId).sort());
    // Nothing went to the local OSS layout instead.
    const local = listDeliveryFiles(path.join(server.dataDir, 'delivery'));
    expect(local.filter((f) => f.startsWith('oss/'))).toEqual([]);
    // doctor, run beside the server with the same settings, finds the bucket. Not runCli: its
    // spawnSync would block this process, and s3rver answers from this process.
    const doctor = await execFileAsync(
      process.execPath,
      [BIN, 'doctor', '--data-dir', server.dataDir, '--json'],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, ...knownDatabaseEnvFor(server.dataDir), ...ossEnv },
      },
    );
    expect(doctor.stdout).toContain('"check":"oss","status":"ok","detail":"bucket audit-logs');
  });
});
