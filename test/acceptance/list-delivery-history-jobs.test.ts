import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DatabaseHandle } from '../../src/db/open-database.js';
import { insertDeliveryJob } from '../../src/db/repositories/delivery-jobs.repository.js';
import { createKey, runCli } from '../helpers/cli.js';
import { call, callExpectingError, VARIANTS, withFixedNonce } from '../helpers/sdk-clients.js';
import {
  type Credentials,
  readCredentials,
  type ServerProcess,
  startServer,
} from '../helpers/server-process.js';
import { openDatabaseOf, TEST_DB } from '../helpers/test-database.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const BASE = Date.UTC(2026, 10, 1, 8, 0, 0);
const DAY = 86_400_000;

async function seedJobs(db: DatabaseHandle['db'], accountId: string, count: number, trail: string) {
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    // Jobs 10 and 11 share a creation time: the list must order them by JobId descending.
    const created = BASE + (i === 11 ? 10 : i) * 60_000;
    ids.push(
      await insertDeliveryJob(
        db,
        {
          account_id: accountId,
          trail_name: `${trail}-${i}`,
          home_region: i % 2 === 0 ? 'cn-hangzhou' : 'cn-shanghai',
          // One running job at most per account (decisions §5): the newest one.
          job_status: i === count - 1 ? 1 : 2 + (i % 2),
          state: i === count - 1 ? 'Running' : i % 2 ? 'Failed' : 'Succeeded',
          client_token: null,
          request_fingerprint: null,
          created_at: created,
          updated_at: created + 30_000,
          window_start: created - 90 * DAY,
          window_end: created + 5 * 60_000,
          cutoff_seq: null,
          // Never due, so the server's engine (woken at once by a new job on PostgreSQL) leaves
          // the "running" job as seeded.
          run_at: Number.MAX_SAFE_INTEGER,
        },
        [],
      ),
    );
  }
  return ids;
}

describe('ListDeliveryHistoryJobs against the real server', () => {
  let server: ServerProcess;
  let creds: Credentials;
  let other: Credentials;
  let handle: DatabaseHandle;
  let ownIds: number[];
  let otherIds: number[];

  beforeAll(async () => {
    server = await startServer();
    creds = readCredentials(server.dataDir);
    other = createKey(server.dataDir, ['--new-account']);
    handle = await openDatabaseOf(server.dataDir);
    ownIds = await seedJobs(handle.db, creds.accountId, 25, 'trail-a');
    otherIds = await seedJobs(handle.db, other.accountId, 3, 'trail-b');
  });

  afterAll(async () => {
    await handle?.close();
    await server?.stop();
  });

  it.each(VARIANTS)('lists the first page with every field (%s)', async (variant) => {
    const body = await call(variant, server, creds, 'ListDeliveryHistoryJobs');
    expect(body.RequestId).toMatch(/^[0-9A-F-]{36}$/);
    expect(body.TotalCount).toBe(25);
    expect(body.PageNumber).toBe(1);
    expect(body.PageSize).toBe(20);
    const jobs = body.DeliveryHistoryJobs as Array<Record<string, unknown>>;
    expect(jobs).toHaveLength(20);
    const newest = jobs[0]!;
    // The seed's fields in its order, then the [C2] extension `Progress` (SDKs ignore it).
    expect(Object.keys(newest)).toEqual([
      'JobId',
      'JobStatus',
      'TrailName',
      'HomeRegion',
      'CreatedTime',
      'StartTime',
      'EndTime',
      'UpdatedTime',
      'Progress',
    ]);
    expect(newest.JobId).toBe(ownIds[24]);
    expect(typeof newest.JobId).toBe('number');
    expect(newest.JobStatus).toBe(1);
    expect(newest.TrailName).toBe('trail-a-24');
    expect(newest.HomeRegion).toBe('cn-hangzhou');
    for (const f of ['CreatedTime', 'StartTime', 'EndTime', 'UpdatedTime'])
      expect(newest[f]).toMatch(ISO);
    expect(newest.CreatedTime).toBe('2026-11-01T08:24:00Z');
    expect(newest.StartTime).toBe('2026-08-03T08:24:00Z');
    expect(newest.EndTime).toBe('2026-11-01T08:29:00Z');
    expect(newest.UpdatedTime).toBe('2026-11-01T08:24:30Z');
  });

  it('pages newest first with ties broken by JobId descending', async () => {
    const all: number[] = [];
    for (const page of [1, 2, 3]) {
      const body = await call('openapi V3', server, creds, 'ListDeliveryHistoryJobs', {
        PageNumber: page,
        PageSize: 10,
      });
      expect(body.PageNumber).toBe(page);
      expect(body.PageSize).toBe(10);
      expect(body.TotalCount).toBe(25);
      all.push(...(body.DeliveryHistoryJobs as Array<{ JobId: number }>).map((j) => j.JobId));
    }
    const expected = [...ownIds].reverse();
    // ownIds[10] and ownIds[11] share CreatedTime; the larger JobId (11) comes first either way,
    // but job 11 was created "earlier" than 12 and "equal" to 10, so check the exact sequence.
    const order = expected.filter((id) => id !== ownIds[11] && id !== ownIds[10]);
    order.splice(order.indexOf(ownIds[9]!), 0, ownIds[11]!, ownIds[10]!);
    expect(all).toEqual(order);

    const big = await call('pop-core GET', server, creds, 'ListDeliveryHistoryJobs', {
      PageSize: 100,
    });
    expect((big.DeliveryHistoryJobs as unknown[]).length).toBe(25);
    const beyond = await call('pop-core POST', server, creds, 'ListDeliveryHistoryJobs', {
      PageNumber: 9,
    });
    expect(beyond.DeliveryHistoryJobs).toEqual([]);
    expect(beyond.TotalCount).toBe(25);
  });

  it.each([
    ['PageSize', '0'],
    ['PageSize', '101'],
    ['PageSize', 'abc'],
    ['PageNumber', '0'],
    ['PageNumber', '1.5'],
  ])('rejects %s=%s with 400 InvalidParameter naming it', async (name, value) => {
    const v3 = await callExpectingError('openapi V3', server, creds, 'ListDeliveryHistoryJobs', {
      [name]: value,
    });
    expect(v3.code).toBe('InvalidParameter');
    expect(v3.statusCode).toBe(400);
    expect(v3.message).toContain(`"${name}"`);
    const pop = await callExpectingError('pop-core GET', server, creds, 'ListDeliveryHistoryJobs', {
      [name]: value,
    });
    expect(pop.code).toBe('InvalidParameter');
    expect(pop.data?.HostId).toBe(server.host);
  });

  it('shows a second account only its own jobs', async () => {
    const body = await call('openapi v1 RPC', server, other, 'ListDeliveryHistoryJobs');
    expect(body.TotalCount).toBe(3);
    expect((body.DeliveryHistoryJobs as Array<{ JobId: number }>).map((j) => j.JobId)).toEqual(
      [...otherIds].reverse(),
    );
  });

  it.each(VARIANTS)('rejects a wrong secret with SignatureDoesNotMatch (%s)', async (variant) => {
    const e = await callExpectingError(
      variant,
      server,
      { ...creds, accessKeySecret: 'wrong' },
      'ListDeliveryHistoryJobs',
    );
    expect(e.code).toBe('SignatureDoesNotMatch');
    if (!variant.startsWith('pop-core')) expect(e.statusCode).toBe(400);
    expect(e.message).toMatch(/server string to sign is:|server StringToSign is \[/);
  });

  it('rejects an unknown key with 404 InvalidAccessKeyId.NotFound', async () => {
    const key = { accessKeyId: 'LTAInosuchkey000000000', accessKeySecret: 'x' };
    const v3 = await callExpectingError('openapi V3', server, key, 'ListDeliveryHistoryJobs');
    expect([v3.code, v3.statusCode]).toEqual(['InvalidAccessKeyId.NotFound', 404]);
    const pop = await callExpectingError('pop-core GET', server, key, 'ListDeliveryHistoryJobs');
    expect(pop.code).toBe('InvalidAccessKeyId.NotFound');
  });

  it('rejects a disabled key with 400 InvalidAccessKeyId.Inactive', async () => {
    const key = createKey(server.dataDir, ['--account', creds.accountId]);
    await call('openapi V3', server, key, 'ListDeliveryHistoryJobs');
    expect(runCli(['keys', 'disable', key.accessKeyId, '--data-dir', server.dataDir]).status).toBe(
      0,
    );
    const listed = JSON.parse(
      runCli(['keys', 'list', '--json', '--data-dir', server.dataDir]).stdout,
    ) as Array<{ accessKeyId: string; status: string }>;
    expect(listed.find((k) => k.accessKeyId === key.accessKeyId)?.status).toBe('Inactive');
    const e = await callExpectingError('openapi V3', server, key, 'ListDeliveryHistoryJobs');
    expect([e.code, e.statusCode]).toEqual(['InvalidAccessKeyId.Inactive', 400]);
    const pop = await callExpectingError('pop-core POST', server, key, 'ListDeliveryHistoryJobs');
    expect(pop.code).toBe('InvalidAccessKeyId.Inactive');
  });

  it('rejects a replayed nonce with SignatureNonceUsed', async () => {
    const nonce = randomBytes(16).toString('hex');
    await withFixedNonce(nonce, async () => {
      await call('openapi V3', server, creds, 'ListDeliveryHistoryJobs');
      const e = await callExpectingError('openapi V3', server, creds, 'ListDeliveryHistoryJobs');
      expect([e.code, e.statusCode]).toEqual(['SignatureNonceUsed', 400]);
    });
  });

  it('rejects a timestamp 20 minutes old with InvalidTimeStamp.Expired', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() - 20 * 60_000 });
    try {
      const v3 = await callExpectingError('openapi V3', server, creds, 'ListDeliveryHistoryJobs');
      expect([v3.code, v3.statusCode]).toEqual(['InvalidTimeStamp.Expired', 400]);
      const pop = await callExpectingError(
        'pop-core GET',
        server,
        creds,
        'ListDeliveryHistoryJobs',
      );
      expect(pop.code).toBe('InvalidTimeStamp.Expired');
    } finally {
      vi.useRealTimers();
    }
  });

  it('accepts STS keys with their token and rejects a missing or expired token', async () => {
    const sts = createKey(server.dataDir, ['--account', creds.accountId, '--sts', '--ttl', '3600']);
    expect(sts.accessKeyId).toMatch(/^STS\./);
    for (const variant of VARIANTS) {
      const body = await call(variant, server, sts, 'ListDeliveryHistoryJobs');
      expect(body.TotalCount).toBe(25);
    }
    const noToken = { accessKeyId: sts.accessKeyId, accessKeySecret: sts.accessKeySecret };
    const missing = await callExpectingError(
      'openapi V3',
      server,
      noToken,
      'ListDeliveryHistoryJobs',
    );
    expect([missing.code, missing.statusCode]).toEqual(['MissingSecurityToken', 400]);

    const shortLived = createKey(server.dataDir, [
      '--account',
      creds.accountId,
      '--sts',
      '--ttl',
      '1',
    ]);
    await new Promise((r) => setTimeout(r, 1_500));
    const expired = await callExpectingError(
      'openapi V3',
      server,
      shortLived,
      'ListDeliveryHistoryJobs',
    );
    expect([expired.code, expired.statusCode]).toEqual(['InvalidSecurityToken.Expired', 400]);
    const popExpired = await callExpectingError(
      'pop-core GET',
      server,
      shortLived,
      'ListDeliveryHistoryJobs',
    );
    expect(popExpired.code).toBe('InvalidSecurityToken.Expired');
  });

  it('keeps keys, jobs and used nonces across a restart, and allows one server per SQLite file', async () => {
    const second = await startServer({ dataDir: server.dataDir }).catch((e: Error) => e);
    if (TEST_DB === 'sqlite') {
      expect(second).toBeInstanceOf(Error);
      expect(String(second)).toMatch(/another opentrail \(pid \d+\) is serving this database/);
    } else {
      // decisions §2: PostgreSQL takes any number of servers; this one shares the keys.
      if (second instanceof Error) throw second;
      expect((await call('openapi V3', second, creds, 'ListDeliveryHistoryJobs')).TotalCount).toBe(
        25,
      );
      await second.stop();
    }

    const nonce = randomBytes(16).toString('hex');
    await withFixedNonce(nonce, () => call('openapi V3', server, creds, 'ListDeliveryHistoryJobs'));
    await server.stop();
    server = await startServer({ dataDir: server.dataDir });
    expect(server.stderr()).not.toContain('first start');
    expect(readCredentials(server.dataDir)).toEqual(creds);

    const body = await call('pop-core GET', server, creds, 'ListDeliveryHistoryJobs');
    expect(body.TotalCount).toBe(25);
    expect((await call('openapi V3', server, other, 'ListDeliveryHistoryJobs')).TotalCount).toBe(3);
    await withFixedNonce(nonce, async () => {
      const e = await callExpectingError('openapi V3', server, creds, 'ListDeliveryHistoryJobs');
      expect(e.code).toBe('SignatureNonceUsed');
    });
  });
});
