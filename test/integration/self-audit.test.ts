import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildV1Request } from '../../src/api/signature/client-signers.js';
import type { NewAccessKey } from '../../src/domain/accounts/access-keys.js';
import { type ClientKey, call, callExpectingError } from '../helpers/sdk-clients.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { TEST_DB } from '../helpers/test-database.js';

/** Every authenticated call is recorded as an event of the caller's account (decisions §3). */
let app: TestApp;

type AuditEvent = Record<string, unknown> & { userIdentity: Record<string, unknown> };

/** The caller's own record of a call, found through LookupEvents by its RequestId. */
async function recordOf(requestId: string, key: ClientKey = app.key): Promise<AuditEvent> {
  const body = await call('openapi V3', app, key, 'LookupEvents', {
    'LookupAttribute.1.Key': 'ServiceName',
    'LookupAttribute.1.Value': 'Actiontrail',
    MaxResults: 50,
  });
  const found = (body.Events as AuditEvent[]).find((e) => e.requestId === requestId);
  if (!found) throw new Error(`no audit record for ${requestId}`);
  return found;
}

/** Every stored event's JSON of every account, to prove what is not in it. */
async function allStoredJson(): Promise<string> {
  const rows = await app.handle.db.selectFrom('events').select('event_json').execute();
  return rows.map((r) => r.event_json).join('\n');
}

async function storedCount(): Promise<number> {
  const rows = await app.handle.db.selectFrom('events').select('seq').execute();
  return rows.length;
}

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

describe('self-audit', () => {
  it('records a successful call with its fields and without any credential', async () => {
    const body = await call('pop-core GET', app, app.key, 'ListDeliveryHistoryJobs', {
      PageSize: 5,
    });
    const event = await recordOf(String(body.RequestId));
    expect(event).toMatchObject({
      eventName: 'ListDeliveryHistoryJobs',
      serviceName: 'Actiontrail',
      eventSource: 'actiontrail.cn-hangzhou.aliyuncs.com',
      eventType: 'ApiCall',
      eventRW: 'Read',
      apiVersion: '2020-07-06',
      acsRegion: 'cn-hangzhou',
      sourceIpAddress: '127.0.0.1',
      requestParameters: { PageSize: '5' },
      recipientAccountId: app.key.accountId,
      userIdentity: {
        type: 'root-account',
        principalId: app.key.accountId,
        accountId: app.key.accountId,
        accessKeyId: app.key.accessKeyId,
      },
    });
    expect(String(event.userAgent)).toMatch(/AlibabaCloud/);
    expect(Math.abs(Date.parse(String(event.eventTime)) - Date.now())).toBeLessThan(60_000);
    expect(event).not.toHaveProperty('errorCode');
    expect(await allStoredJson()).not.toContain(app.key.accessKeySecret);
  });

  it("records an STS key's call as an assumed role, never storing its token", async () => {
    const sts = await app.newKey({ sts: { ttlSeconds: 3600 } });
    const token = sts.securityToken ?? '';
    expect(token).not.toBe('');
    const body = await call('openapi V3', app, sts, 'ListDeliveryHistoryJobs', {});
    const v1 = await call('pop-core GET', app, sts, 'ListDeliveryHistoryJobs', {});
    for (const requestId of [body.RequestId, v1.RequestId]) {
      const event = await recordOf(String(requestId), sts);
      expect(event.userIdentity).toMatchObject({
        type: 'assumed-role',
        accountId: sts.accountId,
        accessKeyId: sts.accessKeyId,
        userName: `opentrail-sts:${sts.accessKeyId}`,
      });
    }
    const stored = await allStoredJson();
    expect(stored).not.toContain(token);
    expect(stored).not.toContain(sts.accessKeySecret);
    const byRole = await call('openapi V3', app, sts, 'LookupEvents', {
      'LookupAttribute.1.Key': 'RoleName',
      'LookupAttribute.1.Value': 'opentrail-sts',
    });
    // The key's own LookupEvents calls above are recorded too, newest first.
    const listed = (byRole.Events as AuditEvent[]).filter(
      (e) => e.eventName === 'ListDeliveryHistoryJobs',
    );
    expect(listed.map((e) => e.requestId)).toEqual([v1.RequestId, body.RequestId]);
  });

  it('records failed calls with their errorCode and errorMessage', async () => {
    const bad = await callExpectingError('openapi V3', app, app.key, 'ListDeliveryHistoryJobs', {
      PageSize: 0,
    });
    expect(bad.code).toBe('InvalidParameter');
    const badEvent = await recordOf(String(bad.data?.RequestId));
    expect(badEvent).toMatchObject({ errorCode: 'InvalidParameter', eventRW: 'Read' });
    expect(String(badEvent.errorMessage)).toContain('PageSize');

    const unsupported = await callExpectingError('openapi V3', app, app.key, 'DisableInsight', {
      InsightType: 'IpInsight',
    });
    expect(unsupported.code).toBe('UnsupportedOperation');
    const event = await recordOf(String(unsupported.data?.RequestId));
    expect(event).toMatchObject({
      eventName: 'DisableInsight',
      eventRW: 'Write',
      errorCode: 'UnsupportedOperation',
      requestParameters: { InsightType: 'IpInsight' },
    });
  });

  it('takes region and eventSource from an actiontrail.<region> Host', async () => {
    const raw = buildV1Request({
      ...app.key,
      method: 'GET',
      action: 'ListDeliveryHistoryJobs',
      version: '2020-07-06',
      nowMs: Date.now(),
      host: 'actiontrail.cn-shanghai.aliyuncs.com',
    });
    const res = await app.app.inject({ method: 'GET', url: raw.url, headers: raw.headers });
    expect(res.statusCode).toBe(200);
    const event = await recordOf(String(res.json().RequestId));
    expect(event).toMatchObject({
      acsRegion: 'cn-shanghai',
      eventSource: 'actiontrail.cn-shanghai.aliyuncs.com',
    });
  });

  it('records the Actions of issue 13 like every other, with their eventRW', async () => {
    const k = await app.newKey({ newAccount: true });
    const calls: Array<[string, Record<string, unknown>, 'Read' | 'Write']> = [
      ['GetGlobalEventsStorageRegion', {}, 'Read'],
      [
        'CreateAdvancedQueryTemplate',
        { TemplateSql: 'event.eventRW: Write', SimpleQuery: true },
        'Write',
      ],
      ['GetAccessKeyLastUsedInfo', { AccessKey: 'LTAIaudited' }, 'Read'],
      ['DescribeUserLogCount', {}, 'Read'],
    ];
    for (const [action, params, eventRW] of calls) {
      const body = await call('openapi V3', app, k, action, params);
      const record = await recordOf(String(body.RequestId), k);
      expect(record).toMatchObject({ eventName: action, eventRW, serviceName: 'Actiontrail' });
    }
    const failed = await callExpectingError('openapi V3', app, k, 'PutDataEventSelector', {
      TrailName: 'no-such-trail',
      EventSelectors: '[{"ServiceName":"Oss"}]',
    });
    expect(await recordOf(String(failed.data?.RequestId), k)).toMatchObject({
      eventName: 'PutDataEventSelector',
      eventRW: 'Write',
      errorCode: 'TrailNotFoundException',
    });
  });

  it('stores nothing for a request that fails authentication', async () => {
    const before = await storedCount();
    const forged: ClientKey = { accessKeyId: app.key.accessKeyId, accessKeySecret: 'wrong' };
    expect(
      (await callExpectingError('openapi V3', app, forged, 'ListDeliveryHistoryJobs')).code,
    ).toBe('SignatureDoesNotMatch');
    const unknown: ClientKey = { accessKeyId: 'LTAInobody', accessKeySecret: 'x' };
    expect(
      (await callExpectingError('pop-core GET', app, unknown, 'ListDeliveryHistoryJobs')).code,
    ).toBe('InvalidAccessKeyId.NotFound');
    expect(await storedCount()).toBe(before);
  });

  it('answers 500 InternalError when the audit record cannot be written', async () => {
    const other: NewAccessKey = await app.newKey({ newAccount: true });
    // A trigger that refuses every event stands in for a full disk (SQL differs per database).
    if (TEST_DB === 'sqlite') {
      await sql`CREATE TRIGGER refuse_events BEFORE INSERT ON events
        BEGIN SELECT RAISE(ABORT, 'disk full'); END`.execute(app.handle.db);
    } else {
      await sql`CREATE FUNCTION refuse_events() RETURNS trigger LANGUAGE plpgsql
        AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$`.execute(app.handle.db);
      await sql`CREATE TRIGGER refuse_events BEFORE INSERT ON events
        FOR EACH ROW EXECUTE FUNCTION refuse_events()`.execute(app.handle.db);
    }
    try {
      const failure = await callExpectingError('openapi V3', app, other, 'ListDeliveryHistoryJobs');
      expect(failure).toMatchObject({ code: 'InternalError', statusCode: 500 });
      expect(failure.message).not.toContain('disk full');
    } finally {
      await sql`DROP TRIGGER refuse_events${TEST_DB === 'postgres' ? sql` ON events` : sql``}`.execute(
        app.handle.db,
      );
    }
    const after = await app.handle.db
      .selectFrom('events')
      .select('seq')
      .where('account_id', '=', other.accountId)
      .execute();
    expect(after).toEqual([]);
  });
});
