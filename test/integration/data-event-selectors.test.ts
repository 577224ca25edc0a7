import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewAccessKey } from '../../src/domain/accounts/access-keys.js';
import { ManualClock } from '../../src/lib/clock.js';
import { call, type Variant } from '../helpers/sdk-clients.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { expectFailure, ISO_SECONDS, wireTime } from '../helpers/trails.js';

/** pop-core (v1 signature) and the current openapi SDK (V3), as for the trail Actions. */
const PAIR: Variant[] = ['pop-core POST', 'openapi V3'];
const SELECTORS =
  '[{"EventName":{"Equals":["GetObject","CopyObject","AppendObject"]},"ReadWriteType":"All","ServiceName":"Oss"}]';

describe.each(PAIR)('data event selectors via %s', (variant) => {
  let t: TestApp;
  const clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000);
  const fresh = () => t.newKey({ newAccount: true });
  async function trail(k: NewAccessKey, name: string): Promise<void> {
    await call(variant, t, k, 'CreateTrail', {
      Name: name,
      SlsProjectArn: `acs:log:cn-hangzhou:${k.accountId}:project/audit-logs`,
    });
  }
  const arn = (k: NewAccessKey, name: string) =>
    `acs:actiontrail:cn-hangzhou:${k.accountId}:trail/${name}`;

  beforeAll(async () => {
    t = await startTestApp({ clock });
  });
  afterAll(() => t.close());

  it('a trail without selectors: 200, DataEventSelectors absent, SlsDeliveryConfigs []', async () => {
    const k = await fresh();
    await trail(k, 'no-selectors');
    const body = await call(variant, t, k, 'GetDataEventSelector', { TrailName: 'no-selectors' });
    expect(body).toEqual({
      RequestId: expect.any(String),
      IsTrailAllRegion: false,
      TrailArn: arn(k, 'no-selectors'),
      SlsDeliveryConfigs: [],
    });
    expect('DataEventSelectors' in body).toBe(false);
  });

  it('Put stores the selectors verbatim; Get answers every field with its JSON type', async () => {
    const k = await fresh();
    await trail(k, 'with-selectors');
    const put = await call(variant, t, k, 'PutDataEventSelector', {
      TrailName: 'with-selectors',
      EventSelectors: SELECTORS,
      TrailRegionIds: 'cn-shanghai,cn-hangzhou',
      IsTrailAllRegion: true,
    });
    expect(put).toEqual({
      RequestId: expect.any(String),
      DataEventSelectors: SELECTORS,
      TrailArn: arn(k, 'with-selectors'),
    });
    const got = await call(variant, t, k, 'GetDataEventSelector', { TrailName: 'with-selectors' });
    const config = (region: string) => ({
      CreateTime: wireTime(clock.now()),
      ErrorCode: '',
      ErrorMessage: '',
      RegionSlsProjectArn: `acs:log:cn-hangzhou:${k.accountId}:project/audit-logs`,
      Status: 'success',
      TrailRegion: region,
    });
    expect(got).toEqual({
      RequestId: expect.any(String),
      DataEventSelectors: SELECTORS,
      IsTrailAllRegion: true,
      TrailArn: arn(k, 'with-selectors'),
      SlsDeliveryConfigs: [config('cn-shanghai'), config('cn-hangzhou')],
    });
    expect(
      String((got.SlsDeliveryConfigs as Array<{ CreateTime: string }>)[0]?.CreateTime),
    ).toMatch(ISO_SECONDS);
  });

  it('keeps the string byte for byte, whitespace and key order included', async () => {
    const k = await fresh();
    await trail(k, 'verbatim-trail');
    const raw = '[\n  {"ServiceName": "Oss", "ReadWriteType": "Read"}\n]\n';
    await call(variant, t, k, 'PutDataEventSelector', {
      TrailName: 'verbatim-trail',
      EventSelectors: raw,
    });
    const got = await call(variant, t, k, 'GetDataEventSelector', { TrailName: 'verbatim-trail' });
    expect(got.DataEventSelectors).toBe(raw);
  });

  it('an empty EventSelectors clears them, as DeleteDataEventSelector does', async () => {
    const k = await fresh();
    await trail(k, 'clear-selectors');
    const put = {
      TrailName: 'clear-selectors',
      EventSelectors: SELECTORS,
      TrailRegionIds: 'cn-hangzhou',
    };
    await call(variant, t, k, 'PutDataEventSelector', put);
    const cleared = await call(variant, t, k, 'PutDataEventSelector', {
      TrailName: 'clear-selectors',
      EventSelectors: '',
    });
    expect(cleared).not.toHaveProperty('DataEventSelectors');
    const get = () => call(variant, t, k, 'GetDataEventSelector', { TrailName: 'clear-selectors' });
    expect(await get()).toMatchObject({ SlsDeliveryConfigs: [], IsTrailAllRegion: false });
    expect(await get()).not.toHaveProperty('DataEventSelectors');

    await call(variant, t, k, 'PutDataEventSelector', put);
    expect(await get()).toMatchObject({ DataEventSelectors: SELECTORS });
    const deleted = await call(variant, t, k, 'DeleteDataEventSelector', {
      TrailName: 'clear-selectors',
    });
    expect(Object.keys(deleted)).toEqual(['RequestId']);
    expect(await get()).not.toHaveProperty('DataEventSelectors');
    // Deleting again is fine: the trail exists, it just has none.
    await call(variant, t, k, 'DeleteDataEventSelector', { TrailName: 'clear-selectors' });
  });

  it('a deleted and recreated trail starts without selectors', async () => {
    const k = await fresh();
    await trail(k, 'reborn-trail');
    await call(variant, t, k, 'PutDataEventSelector', {
      TrailName: 'reborn-trail',
      EventSelectors: SELECTORS,
    });
    await call(variant, t, k, 'DeleteTrail', { Name: 'reborn-trail' });
    await trail(k, 'reborn-trail');
    expect(
      await call(variant, t, k, 'GetDataEventSelector', { TrailName: 'reborn-trail' }),
    ).not.toHaveProperty('DataEventSelectors');
  });

  it.each([
    ['PutDataEventSelector', { EventSelectors: SELECTORS }, 'MissingParameter', 400, '"TrailName"'],
    [
      'PutDataEventSelector',
      { TrailName: 'err-trail' },
      'MissingParameter',
      400,
      '"EventSelectors"',
    ],
    [
      'PutDataEventSelector',
      { TrailName: 'err-trail', EventSelectors: '[{' },
      'InvalidParameter',
      400,
      'JSON array',
    ],
    [
      'PutDataEventSelector',
      { TrailName: 'err-trail', EventSelectors: '[{"ServiceName":"Oss","ReadWriteType":"Any"}]' },
      'InvalidParameter',
      400,
      'ReadWriteType',
    ],
    [
      'PutDataEventSelector',
      { TrailName: 'err-trail', EventSelectors: SELECTORS, TrailRegionIds: 'mars-north-1' },
      'InvalidParameter',
      400,
      'mars-north-1',
    ],
    [
      'PutDataEventSelector',
      { TrailName: 'err-trail', EventSelectors: SELECTORS, IsTrailAllRegion: 'yes' },
      'InvalidParameter',
      400,
      '"IsTrailAllRegion"',
    ],
    [
      'PutDataEventSelector',
      { TrailName: 'no-such-trail', EventSelectors: SELECTORS },
      'TrailNotFoundException',
      404,
      'does not exist',
    ],
    ['GetDataEventSelector', {}, 'MissingParameter', 400, '"TrailName"'],
    [
      'GetDataEventSelector',
      { TrailName: 'no-such-trail' },
      'TrailNotFoundException',
      404,
      'does not exist',
    ],
    [
      'GetDataEventSelector',
      { TrailName: 'Bad Name' },
      'InvalidTrailNameException',
      400,
      'invalid',
    ],
    ['DeleteDataEventSelector', {}, 'MissingParameter', 400, '"TrailName"'],
    [
      'DeleteDataEventSelector',
      { TrailName: 'no-such-trail' },
      'TrailNotFoundException',
      404,
      'does not exist',
    ],
    ['ListDataEventSelectors', { MaxResults: 0 }, 'InvalidParameter', 400, '"MaxResults"'],
    ['ListDataEventSelectors', { MaxResults: 101 }, 'InvalidParameter', 400, '1-100'],
    ['ListDataEventSelectors', { NextToken: '!!' }, 'InvalidParameter', 400, '"NextToken"'],
    ['ListDataEventServices', { MaxResults: 'ten' }, 'InvalidParameter', 400, '"MaxResults"'],
  ] as const)('%s %j → %s %i', async (action, params, code, status, words) => {
    const k = await fresh();
    await trail(k, 'err-trail');
    const f = await expectFailure(variant, t, k, action, params, { code, status });
    expect(f.message).toContain(words);
  });

  it('another account’s trail is not found, and its selectors are never listed', async () => {
    const a = await fresh();
    const b = await fresh();
    await trail(a, 'private-trail');
    await call(variant, t, a, 'PutDataEventSelector', {
      TrailName: 'private-trail',
      EventSelectors: SELECTORS,
    });
    for (const action of ['GetDataEventSelector', 'DeleteDataEventSelector']) {
      await expectFailure(
        variant,
        t,
        b,
        action,
        { TrailName: 'private-trail' },
        {
          code: 'TrailNotFoundException',
          status: 404,
        },
      );
    }
    await expectFailure(
      variant,
      t,
      b,
      'PutDataEventSelector',
      { TrailName: 'private-trail', EventSelectors: '' },
      { code: 'TrailNotFoundException', status: 404 },
    );
    const listed = await call(variant, t, b, 'ListDataEventSelectors', {});
    expect(listed.Data).toEqual({ DataEventSelectorInfos: [], MaxResults: 20 });
    // a's selectors survived b's attempts.
    expect(
      await call(variant, t, a, 'GetDataEventSelector', { TrailName: 'private-trail' }),
    ).toMatchObject({
      DataEventSelectors: SELECTORS,
    });
  });

  it('ListDataEventSelectors pages in trail-name order with MaxResults and NextToken', async () => {
    const k = await fresh();
    for (const name of ['trail-ccc', 'trail-aaa', 'trail-bbb', 'trail-none']) await trail(k, name);
    for (const name of ['trail-ccc', 'trail-aaa', 'trail-bbb']) {
      await call(variant, t, k, 'PutDataEventSelector', {
        TrailName: name,
        EventSelectors: SELECTORS,
        TrailRegionIds: 'cn-hangzhou',
      });
    }
    const first = (await call(variant, t, k, 'ListDataEventSelectors', { MaxResults: 2 }))
      .Data as Record<string, unknown>;
    expect(first.MaxResults).toBe(2);
    expect(typeof first.NextToken).toBe('string');
    const infos = first.DataEventSelectorInfos as Array<Record<string, unknown>>;
    expect(infos.map((i) => i.TrailName)).toEqual(['trail-aaa', 'trail-bbb']);
    expect(infos[0]).toEqual({
      TrailName: 'trail-aaa',
      TrailArn: arn(k, 'trail-aaa'),
      EventSelectors: SELECTORS,
      IsTrailAllRegion: false,
      SlsDeliveryConfigs: [
        expect.objectContaining({ TrailRegion: 'cn-hangzhou', Status: 'success' }),
      ],
    });
    const second = (
      await call(variant, t, k, 'ListDataEventSelectors', {
        MaxResults: 2,
        NextToken: first.NextToken,
      })
    ).Data as Record<string, unknown>;
    expect(
      (second.DataEventSelectorInfos as Array<Record<string, unknown>>).map((i) => i.TrailName),
    ).toEqual(['trail-ccc']);
    expect(second).not.toHaveProperty('NextToken');
  });

  it('ListDataEventServices names the services and their data events', async () => {
    const k = await fresh();
    const body = await call(variant, t, k, 'ListDataEventServices', {});
    const data = body.Data as {
      ServiceInfos: Array<{ ServiceName: string; EventNames: string[] }>;
      MaxResults: number;
    };
    expect(data.MaxResults).toBe(20);
    const oss = data.ServiceInfos.find((s) => s.ServiceName === 'Oss');
    expect(oss?.EventNames).toEqual(
      expect.arrayContaining(['GetObject', 'PutObject', 'CopyObject']),
    );
    expect(data).not.toHaveProperty('NextToken');
  });
});
