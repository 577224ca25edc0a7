import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open-database.js';
import { insertEvents } from '../../src/db/repositories/events.repository.js';
import { runCli } from '../helpers/cli.js';
import { readOssDelivery } from '../helpers/delivered-files.js';
import { waitForJobEnd } from '../helpers/delivery-jobs.js';
import { call, callExpectingError, withFixedNonce } from '../helpers/sdk-clients.js';
import {
  freshDataDir,
  type ServerProcess,
  startServer,
  waitForExit,
} from '../helpers/server-process.js';
import { createPostgresDatabase, TEST_DB } from '../helpers/test-database.js';

const REGIONS = ['cn-hangzhou', 'cn-shanghai', 'cn-beijing'];
const KEY = { accessKeyId: 'twonodeskey', accessKeySecret: 'twonodessecret' };
const ACCOUNT = '1777000011112222';
const BUCKET_MS = 5 * 60_000;

/** Events each in its own 5-minute bucket: one delivered file per event. */
function history(prefix: string, count: number) {
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => ({
    eventId: `${prefix}-${i}`,
    eventName: 'DescribeInstances',
    serviceName: 'Ecs',
    acsRegion: REGIONS[i % REGIONS.length],
    eventTime: new Date(Math.floor((now - 20 * 86_400_000 + i * BUCKET_MS) / 1000) * 1000)
      .toISOString()
      .replace('.000Z', 'Z'),
  }));
}

// Several serving nodes need PostgreSQL: SQLite allows one server per file (decisions §2).
describe.runIf(TEST_DB === 'postgres')('two server processes on one PostgreSQL', () => {
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    for (const s of servers) await s.stop();
  });

  it('share nonces and jobs: one node dies mid-job, the other finishes it, every event is delivered once', async () => {
    const url = await createPostgresDatabase('server');
    const deliveryRoot = freshDataDir('opentrail-shared-delivery-');
    const env = {
      OPENTRAIL_DATABASE_URL: url,
      OPENTRAIL_DELIVERY_ROOT: deliveryRoot,
      OPENTRAIL_DELIVERY_HISTORY_TO_OSS: 'true',
      OPENTRAIL_REGIONS: REGIONS.join(','),
      OPENTRAIL_ACCOUNT_ID: ACCOUNT,
      OPENTRAIL_ACCESS_KEY_ID: KEY.accessKeyId,
      OPENTRAIL_ACCESS_KEY_SECRET: KEY.accessKeySecret,
    };
    // Short leases and slices, so the nodes rotate the jobs between them and a dead node's
    // lease runs out quickly.
    const node = (name: string, extra: Record<string, string> = {}) => {
      const dataDir = freshDataDir(`opentrail-node-${name}-`);
      const config = path.join(dataDir, 'config.json');
      writeFileSync(
        config,
        JSON.stringify({
          delivery: {
            workers: 1,
            chunkSize: 10,
            inFlight: 2,
            leaseSeconds: 2,
            sliceMs: 100,
            // One object per event (history objects cover a day otherwise): 600 batches, so A
            // reaches its 40th acknowledgement mid-job.
            historyFileEvents: 1,
          },
        }),
      );
      return startServer({ dataDir, args: ['--config', config], env: { ...env, ...extra } });
    };
    // Node A kills itself (SIGKILL) after acknowledging its 40th batch.
    const [a, b] = await Promise.all([
      node('a', { OPENTRAIL_TEST_CRASH_AT: 'after-ack:40' }),
      node('b'),
    ]);
    servers.push(a, b);

    const created = runCli(['keys', 'create', '--new-account', '--json', '--data-dir', b.dataDir], {
      OPENTRAIL_DATABASE_URL: url,
    });
    expect(created.status).toBe(0);
    const other = JSON.parse(created.stdout) as typeof KEY & { accountId: string };
    const mine = history('mine', 300);
    const theirs = history('theirs', 300);
    const h = await openDatabase({ databasePath: '', databaseUrl: url });
    await insertEvents(h.db, ACCOUNT, mine);
    await insertEvents(h.db, other.accountId, theirs);
    await h.close();

    // Nonces are shared: a request replayed against the other node is refused.
    const nonce = randomBytes(16).toString('hex');
    await withFixedNonce(nonce, () => call('openapi V3', a, KEY, 'DescribeTrails'));
    const replay = await withFixedNonce(nonce, () =>
      callExpectingError('openapi V3', b, KEY, 'DescribeTrails'),
    );
    expect(replay.code).toBe('SignatureNonceUsed');

    // One job created through each node.
    await call('openapi V3', a, KEY, 'CreateTrail', { Name: 'mine-trail', OssBucketName: 'mine' });
    const { JobId: mineJob } = await call('openapi V3', a, KEY, 'CreateDeliveryHistoryJob', {
      TrailName: 'mine-trail',
    });
    await call('openapi V3', b, other, 'CreateTrail', {
      Name: 'theirs-trail',
      OssBucketName: 'theirs',
    });
    const { JobId: theirsJob } = await call('openapi V3', b, other, 'CreateDeliveryHistoryJob', {
      TrailName: 'theirs-trail',
    });

    const pidA = a.child.pid;
    expect(await waitForExit(a, 30_000)).toBe('SIGKILL');
    // A died right after an acknowledgement, inside a slice: it still holds that job's lease,
    // which no one renews now. Both jobs are far from done (600 batches, A acknowledged 40).
    const db = await openDatabase({ databasePath: '', databaseUrl: url });
    const held = await db.db
      .selectFrom('delivery_jobs')
      .select(['id', 'job_status', 'locked_by'])
      .where('locked_by', 'like', `%:${pidA}:%`)
      .execute();
    await db.close();
    expect(held).toHaveLength(1);
    expect(held[0]?.job_status).toBe(1);
    // Node B sees the job node A created, takes over the dead node's lease, and finishes both.
    expect((await waitForJobEnd(b, KEY, mineJob, 60_000)).JobStatus).toBe(2);
    expect((await waitForJobEnd(b, other, theirsJob, 60_000)).JobStatus).toBe(2);

    for (const [bucket, events] of [
      ['mine', mine],
      ['theirs', theirs],
    ] as const) {
      const delivered = readOssDelivery(deliveryRoot, bucket, `${bucket}-`);
      expect(delivered.map((d) => d.eventId).sort(), bucket).toEqual(
        events.map((e) => e.eventId).sort(),
      );
      // One file per event: a batch re-sent after the crash overwrote its first copy.
      expect(new Set(delivered.map((d) => d.file)).size, bucket).toBe(events.length);
    }
  });
});
