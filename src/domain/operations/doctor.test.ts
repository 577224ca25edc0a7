import { describe, expect, it } from 'vitest';
import { startS3rver } from '../../../test/helpers/s3rver.js';
import { openTestDatabase } from '../../../test/helpers/test-database.js';
import { insertAccount } from '../../db/repositories/accounts.repository.js';
import { insertTrail } from '../../db/repositories/trails.repository.js';
import { describeOssBucket } from '../../sinks/s3/oss-bucket-check.js';
import { type Sink, SinkError } from '../../sinks/sink.js';
import { runDoctor } from './doctor.js';

const sink = (fail?: string): Sink => ({
  kind: 'file',
  prepare: () => Promise.reject(new Error('unused')),
  deliver: () => Promise.reject(new Error('unused')),
  healthCheck: async () => {
    if (fail) throw new Error(fail);
    return '/srv/delivery is writable';
  },
});

describe('doctor', () => {
  it('passes a healthy node and names what it checked', async () => {
    const results = await runDoctor({
      open: openTestDatabase,
      sink: sink(),
      now: () => Date.now(),
      leaseMs: 30_000,
    });
    expect(results.map((r) => [r.check, r.status])).toEqual([
      ['database', 'ok'],
      ['schema', 'ok'],
      ['clock', 'ok'],
      ['delivery-root', 'ok'],
    ]);
  });

  it('warns about a clock a few seconds off and fails one off by a third of a lease', async () => {
    const skewed = (ms: number) =>
      runDoctor({
        open: openTestDatabase,
        sink: sink(),
        now: () => Date.now() + ms,
        leaseMs: 30_000,
      });
    const warn = (await skewed(3_000)).find((r) => r.check === 'clock');
    expect(warn?.status).toBe('warn');
    const ms = Number(/this node is (\d+) ms ahead of the database/.exec(warn?.detail ?? '')?.[1]);
    expect(Math.abs(ms - 3000)).toBeLessThan(200);
    const fail = (await skewed(-12_000)).find((r) => r.check === 'clock');
    expect(fail?.status).toBe('fail');
    expect(fail?.detail).toMatch(/behind the database/);
  });

  it('reports an unreachable database and an unwritable delivery root, and skips the rest', async () => {
    const results = await runDoctor({
      open: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')),
      sink: sink('EACCES: permission denied'),
      now: () => Date.now(),
      leaseMs: 30_000,
    });
    expect(results).toEqual([
      { check: 'database', status: 'fail', detail: 'connect ECONNREFUSED 127.0.0.1:5432' },
      { check: 'delivery-root', status: 'fail', detail: 'EACCES: permission denied' },
    ]);
  });

  it('checks SLS with one GetProject per project a trail delivers to, when SLS is configured', async () => {
    const h = await openTestDatabase();
    const account = '1968132276290000';
    await insertAccount(h.db, { id: account, created_at: 1 });
    const trails: Array<[string, string | null]> = [
      ['trail-a', `acs:log:cn-hangzhou:${account}:project/audit`],
      ['trail-b', `acs:log:cn-hangzhou:${account}:project/audit`],
      ['trail-c', `acs:log:cn-beijing:${account}:project/locked`],
      ['trail-d', null],
    ];
    for (const [name, arn] of trails) {
      await insertTrail(h.db, {
        account_id: account,
        name,
        home_region: 'cn-hangzhou',
        trail_region: 'All',
        event_rw: 'Write',
        is_organization_trail: 0,
        oss_bucket_name: arn ? null : 'bucket',
        oss_key_prefix: null,
        oss_write_role_arn: null,
        sls_project_arn: arn,
        sls_write_role_arn: null,
        max_compute_project_arn: null,
        max_compute_write_role_arn: null,
        status: 'Fresh',
        start_logging_at: null,
        stop_logging_at: null,
        live_start_seq: null,
        created_at: 1,
        updated_at: 1,
      });
    }
    const asked: string[] = [];
    const results = await runDoctor({
      open: async () => h,
      sink: sink(),
      now: () => Date.now(),
      leaseMs: 30_000,
      checkSlsProject: async (project, region) => {
        asked.push(`${region}/${project}`);
        if (project === 'locked') {
          throw new SinkError('the key may not read this project', {
            code: 'Unauthorized',
            retryable: false,
          });
        }
        return `project ${project} (${region}): credentials accepted`;
      },
    });
    expect(asked.sort()).toEqual(['cn-beijing/locked', 'cn-hangzhou/audit']);
    // In SlsProjectArn order.
    expect(results.filter((r) => r.check === 'sls')).toEqual([
      {
        check: 'sls',
        status: 'fail',
        detail: 'project locked (cn-beijing): Unauthorized: the key may not read this project',
      },
      { check: 'sls', status: 'ok', detail: 'project audit (cn-hangzhou): credentials accepted' },
    ]);
  });

  it('checks each OSS bucket a trail delivers to through the S3 API, when OSS is configured', async () => {
    const s3 = await startS3rver(['audit-bucket']);
    const h = await openTestDatabase();
    const account = '1968132276290001';
    await insertAccount(h.db, { id: account, created_at: 1 });
    for (const [name, bucket] of [
      ['trail-a', 'audit-bucket'],
      ['trail-b', 'audit-bucket'],
      ['trail-c', 'deleted-bucket'],
    ] as const) {
      await insertTrail(h.db, {
        account_id: account,
        name,
        home_region: 'cn-hangzhou',
        trail_region: 'All',
        event_rw: 'Write',
        is_organization_trail: 0,
        oss_bucket_name: bucket,
        oss_key_prefix: null,
        oss_write_role_arn: null,
        sls_project_arn: null,
        sls_write_role_arn: null,
        max_compute_project_arn: null,
        max_compute_write_role_arn: null,
        status: 'Fresh',
        start_logging_at: null,
        stop_logging_at: null,
        live_start_seq: null,
        created_at: 1,
        updated_at: 1,
      });
    }
    const options = { endpoint: s3.url, forcePathStyle: true, accessKeyId: 'S3RVER' };
    try {
      const results = await runDoctor({
        open: async () => h,
        sink: sink(),
        now: () => Date.now(),
        leaseMs: 30_000,
        checkOssBucket: (bucket) =>
          describeOssBucket({ ...options, accessKeySecret: 'S3RVER' }, bucket),
      });
      const oss = results.filter((r) => r.check === 'oss');
      expect(oss.map((r) => [r.status, r.detail.split(':')[0]])).toEqual([
        ['ok', expect.stringMatching(/^bucket audit-bucket \(.+\) at http/)],
        ['fail', 'bucket deleted-bucket'],
      ]);
      expect(oss[1]?.detail).toMatch(/NoSuchBucket/);

      // What the check says for a key OSS does not know (never the secret).
      await expect(
        describeOssBucket(
          { ...options, accessKeyId: 'LTAI-nobody', accessKeySecret: 'not-this-secret' },
          'audit-bucket',
        ),
      ).rejects.toThrow(/^GetBucketLocation audit-bucket: InvalidAccessKeyId(?!.*not-this-secret)/);
    } finally {
      await s3.close();
    }
  });
});
