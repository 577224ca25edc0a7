import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEvents } from '../../src/db/repositories/events.repository.js';
import type { NewAccessKey } from '../../src/domain/accounts/access-keys.js';
import { DAY_MS, HOUR_MS } from '../../src/lib/time.js';
import { sampleEvent } from '../helpers/sample-events.js';
import { call, type Variant } from '../helpers/sdk-clients.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { expectFailure } from '../helpers/trails.js';

/** The GetAccessKeyLastUsed* Actions over seeded events (docs/events.md "AccessKey usage"). */
const PAIR: Variant[] = ['pop-core POST', 'openapi V3'];
const KEY = 'LTAIusedkey000000001';
const T0 = Math.floor((Date.now() - 3 * DAY_MS) / 1000) * 1000;
const at = (h: number) => T0 + h * HOUR_MS;
const id = { accessKeyId: KEY };

const ours = [
  sampleEvent(at(1), { eventName: 'DescribeInstances', sourceIpAddress: '192.0.2.1' }, id),
  sampleEvent(
    at(2),
    { eventName: 'RunInstances', sourceIpAddress: '192.0.2.2', resourceName: 'i-one' },
    id,
  ),
  sampleEvent(at(3), { eventName: 'DescribeInstances', sourceIpAddress: '192.0.2.1' }, id),
  sampleEvent(
    at(4),
    {
      serviceName: 'Oss',
      eventName: 'GetObject',
      eventCategory: 'Data',
      resourceType: 'ACS::OSS::Object',
      resourceName: 'bucket/a.txt',
    },
    id,
  ),
  // Another key of the same account: never counted for KEY.
  sampleEvent(at(5), { eventName: 'DeleteInstance' }, { accessKeyId: 'LTAIotherkey00000001' }),
];
/** The other account uses the same key id later: invisible to the first account. */
const theirs = [sampleEvent(at(6), { serviceName: 'Rds', eventName: 'CreateDBInstance' }, id)];

describe.each(PAIR)('GetAccessKeyLastUsed* via %s', (variant) => {
  let t: TestApp;
  let b: NewAccessKey;
  beforeAll(async () => {
    t = await startTestApp();
    b = await t.newKey({ newAccount: true });
    await insertEvents(t.handle.db, t.key.accountId, ours);
    await insertEvents(t.handle.db, b.accountId, theirs);
  });
  afterAll(() => t.close());

  it('GetAccessKeyLastUsedInfo: the latest event of the key, every field typed', async () => {
    const body = await call(variant, t, t.key, 'GetAccessKeyLastUsedInfo', { AccessKey: KEY });
    expect(body).toEqual({
      RequestId: expect.any(String),
      AccessKeyId: KEY,
      AccountId: t.key.accountId,
      AccountType: 'ram-user',
      Detail: JSON.stringify(ours[3]),
      OwnerId: '200000000000000001',
      ServiceName: 'Oss',
      ServiceNameCn: 'Oss',
      ServiceNameEn: 'Oss',
      Source: 'DataEvent',
      UsedTimestamp: at(4),
      UserName: 'alice',
    });
    const unused = await call(variant, t, t.key, 'GetAccessKeyLastUsedInfo', {
      AccessKey: 'LTAInever',
    });
    expect(unused).toEqual({
      RequestId: expect.any(String),
      AccessKeyId: 'LTAInever',
      AccountId: t.key.accountId,
    });
  });

  it('GetAccessKeyLastUsedProducts: one row per service, newest first', async () => {
    const body = await call(variant, t, t.key, 'GetAccessKeyLastUsedProducts', { AccessKey: KEY });
    expect(body.Products).toEqual([
      expect.objectContaining({ ServiceName: 'Oss', UsedTimestamp: at(4), Source: 'DataEvent' }),
      {
        Detail: JSON.stringify(ours[2]),
        ServiceName: 'Ecs',
        ServiceNameCn: 'Ecs',
        ServiceNameEn: 'Ecs',
        Source: 'ManagementEvent',
        UsedTimestamp: at(3),
      },
    ]);
  });

  it('GetAccessKeyLastUsedEvents / Ips / Resources: per service, paged with NextToken', async () => {
    const q = { AccessKey: KEY, ServiceName: 'Ecs' };
    const events = await call(variant, t, t.key, 'GetAccessKeyLastUsedEvents', {
      ...q,
      PageSize: 1,
    });
    expect(events.Events).toEqual([
      {
        Detail: JSON.stringify(ours[2]),
        EventName: 'DescribeInstances',
        Source: 'ManagementEvent',
        UsedTimestamp: at(3),
      },
    ]);
    expect(typeof events.NextToken).toBe('string');
    const rest = await call(variant, t, t.key, 'GetAccessKeyLastUsedEvents', {
      ...q,
      PageSize: 1,
      NextToken: events.NextToken,
    });
    expect((rest.Events as Array<{ EventName: string }>).map((e) => e.EventName)).toEqual([
      'RunInstances',
    ]);
    expect(rest).not.toHaveProperty('NextToken');

    const ips = await call(variant, t, t.key, 'GetAccessKeyLastUsedIps', q);
    expect(ips.Ips).toEqual([
      expect.objectContaining({ Ip: '192.0.2.1', UsedTimestamp: at(3), Source: 'ManagementEvent' }),
      expect.objectContaining({ Ip: '192.0.2.2', UsedTimestamp: at(2) }),
    ]);
    expect(ips).not.toHaveProperty('NextToken');

    const resources = await call(variant, t, t.key, 'GetAccessKeyLastUsedResources', q);
    const names = (resources.Resources as Array<Record<string, unknown>>).map((r) => [
      r.ResourceType,
      r.ResourceName,
      r.UsedTimestamp,
    ]);
    expect(names).toEqual([
      ['ACS::ECS::Instance', 'i-sample', at(3)],
      ['ACS::ECS::Instance', 'i-one', at(2)],
    ]);
    const oss = await call(variant, t, t.key, 'GetAccessKeyLastUsedResources', {
      AccessKey: KEY,
      ServiceName: 'Oss',
    });
    expect(oss.Resources).toEqual([
      {
        Detail: JSON.stringify(ours[3]),
        ResourceName: 'bucket/a.txt',
        ResourceType: 'ACS::OSS::Object',
        Source: 'DataEvent',
        UsedTimestamp: at(4),
      },
    ]);
  });

  it('another account sees only its own use of the same key id', async () => {
    const info = await call(variant, t, b, 'GetAccessKeyLastUsedInfo', { AccessKey: KEY });
    expect(info).toMatchObject({
      ServiceName: 'Rds',
      UsedTimestamp: at(6),
      AccountId: b.accountId,
    });
    const products = await call(variant, t, b, 'GetAccessKeyLastUsedProducts', { AccessKey: KEY });
    expect((products.Products as Array<{ ServiceName: string }>).map((p) => p.ServiceName)).toEqual(
      ['Rds'],
    );
    const events = await call(variant, t, b, 'GetAccessKeyLastUsedEvents', {
      AccessKey: KEY,
      ServiceName: 'Ecs',
    });
    expect(events.Events).toEqual([]);
  });

  it.each([
    ['GetAccessKeyLastUsedInfo', {}, '"AccessKey"'],
    ['GetAccessKeyLastUsedProducts', {}, '"AccessKey"'],
    ['GetAccessKeyLastUsedEvents', { AccessKey: KEY }, '"ServiceName"'],
    ['GetAccessKeyLastUsedIps', { ServiceName: 'Ecs' }, '"AccessKey"'],
    ['GetAccessKeyLastUsedResources', { AccessKey: KEY }, '"ServiceName"'],
  ] as const)('%s %j → 400 MissingParameter', async (action, params, words) => {
    const f = await expectFailure(variant, t, t.key, action, params, {
      code: 'MissingParameter',
      status: 400,
    });
    expect(f.message).toContain(words);
  });

  it.each([
    [{ PageSize: 101 }, '"PageSize"'],
    [{ PageSize: -1 }, '"PageSize"'],
    [{ NextToken: 'not-ours' }, '"NextToken"'],
  ])('GetAccessKeyLastUsedIps %j → 400 InvalidParameter', async (extra, words) => {
    const f = await expectFailure(
      variant,
      t,
      t.key,
      'GetAccessKeyLastUsedIps',
      { AccessKey: KEY, ServiceName: 'Ecs', ...extra },
      { code: 'InvalidParameter', status: 400 },
    );
    expect(f.message).toContain(words);
  });
});
