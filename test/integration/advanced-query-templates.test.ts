import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { call, type Variant } from '../helpers/sdk-clients.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { expectFailure } from '../helpers/trails.js';

const PAIR: Variant[] = ['pop-core POST', 'openapi V3'];
const SQL = 'event.userIdentity.type: root-account AND event.userIdentity.accessKeyId: *';
const TEMPLATE_ID = /^utpl-[A-Za-z0-9]{22}$/;

describe.each(PAIR)('advanced query templates via %s', (variant) => {
  let t: TestApp;
  const fresh = () => t.newKey({ newAccount: true });
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('Create → Get → Update → Get → Delete → 404, with the SDK’s JSON types', async () => {
    const k = await fresh();
    const created = await call(variant, t, k, 'CreateAdvancedQueryTemplate', {
      TemplateName: 'root-keys',
      TemplateSql: SQL,
      SimpleQuery: true,
    });
    // Create and Update answer SimpleQuery as a string (SDK model), Get and Describe as a boolean.
    expect(created).toEqual({
      RequestId: expect.any(String),
      TemplateId: expect.stringMatching(TEMPLATE_ID),
      TemplateName: 'root-keys',
      TemplateSql: SQL,
      SimpleQuery: 'true',
    });
    const id = created.TemplateId;
    expect(await call(variant, t, k, 'GetAdvancedQueryTemplate', { TemplateId: id })).toEqual({
      RequestId: expect.any(String),
      TemplateId: id,
      TemplateName: 'root-keys',
      TemplateSql: SQL,
      SimpleQuery: true,
    });
    const updated = await call(variant, t, k, 'UpdateAdvancedQueryTemplate', {
      TemplateId: id,
      TemplateSql: 'event.errorCode: *',
      SimpleQuery: false,
    });
    expect(updated).toMatchObject({ TemplateName: 'root-keys', SimpleQuery: 'false' });
    expect(await call(variant, t, k, 'GetAdvancedQueryTemplate', { TemplateId: id })).toMatchObject(
      {
        TemplateSql: 'event.errorCode: *',
        SimpleQuery: false,
      },
    );
    const deleted = await call(variant, t, k, 'DeleteAdvancedQueryTemplate', { TemplateId: id });
    expect(Object.keys(deleted)).toEqual(['RequestId']);
    for (const action of ['GetAdvancedQueryTemplate', 'DeleteAdvancedQueryTemplate']) {
      await expectFailure(
        variant,
        t,
        k,
        action,
        { TemplateId: id },
        {
          code: 'AdvancedQueryTemplateNotFound',
          status: 404,
        },
      );
    }
  });

  it('one account never sees or changes another’s template', async () => {
    const a = await fresh();
    const b = await fresh();
    const { TemplateId } = await call(variant, t, a, 'CreateAdvancedQueryTemplate', {
      TemplateSql: SQL,
      SimpleQuery: false,
    });
    for (const [action, extra] of [
      ['GetAdvancedQueryTemplate', {}],
      ['UpdateAdvancedQueryTemplate', { TemplateSql: 'x' }],
      ['DeleteAdvancedQueryTemplate', {}],
    ] as const) {
      await expectFailure(
        variant,
        t,
        b,
        action,
        { TemplateId, ...extra },
        {
          code: 'AdvancedQueryTemplateNotFound',
          status: 404,
        },
      );
    }
    const page = await call(variant, t, b, 'DescribeAdvancedQueryTemplate', {});
    expect(page.TemplatePage).toEqual({
      PageNumber: '1',
      PageSize: '20',
      TemplateList: [],
      Total: 0,
    });
    expect(await call(variant, t, a, 'GetAdvancedQueryTemplate', { TemplateId })).toMatchObject({
      TemplateSql: SQL,
      TemplateName: '',
    });
  });

  it('DescribeAdvancedQueryTemplate pages oldest first and filters names case-insensitively', async () => {
    const k = await fresh();
    for (const name of ['Alpha-1', 'beta', 'alpha_2', 'gamma%']) {
      await call(variant, t, k, 'CreateAdvancedQueryTemplate', {
        TemplateName: name,
        TemplateSql: SQL,
        SimpleQuery: false,
      });
    }
    const page = async (p: Record<string, unknown>) =>
      (await call(variant, t, k, 'DescribeAdvancedQueryTemplate', p)).TemplatePage as {
        PageNumber: string;
        PageSize: string;
        Total: number;
        TemplateList: Array<Record<string, unknown>>;
      };
    const first = await page({ PageSize: 3 });
    expect(first).toMatchObject({ PageNumber: '1', PageSize: '3', Total: 4 });
    expect(first.TemplateList.map((x) => x.TemplateName)).toEqual(['Alpha-1', 'beta', 'alpha_2']);
    expect(first.TemplateList[0]).toEqual({
      TemplateId: expect.stringMatching(TEMPLATE_ID),
      TemplateName: 'Alpha-1',
      TemplateSql: SQL,
      SimpleQuery: false,
    });
    const second = await page({ PageSize: 3, PageNumber: 2 });
    expect(second.TemplateList.map((x) => x.TemplateName)).toEqual(['gamma%']);
    const alpha = await page({ TemplateName: 'ALPHA' });
    expect(alpha.TemplateList.map((x) => x.TemplateName)).toEqual(['Alpha-1', 'alpha_2']);
    expect(alpha.Total).toBe(2);
    // `%` and `_` are literal characters in the filter, not wildcards.
    expect((await page({ TemplateName: '%' })).TemplateList.map((x) => x.TemplateName)).toEqual([
      'gamma%',
    ]);
    expect((await page({ TemplateName: 'a_' })).Total).toBe(1);
  });

  it.each([
    ['CreateAdvancedQueryTemplate', { SimpleQuery: true }, 'MissingParameter', '"TemplateSql"'],
    ['CreateAdvancedQueryTemplate', { TemplateSql: SQL }, 'MissingParameter', '"SimpleQuery"'],
    [
      'CreateAdvancedQueryTemplate',
      { TemplateSql: SQL, SimpleQuery: 'maybe' },
      'InvalidParameter',
      '"SimpleQuery"',
    ],
    [
      'CreateAdvancedQueryTemplate',
      { TemplateSql: SQL, SimpleQuery: true, TemplateName: 'n'.repeat(65) },
      'InvalidParameter',
      '64',
    ],
    ['GetAdvancedQueryTemplate', {}, 'MissingParameter', '"TemplateId"'],
    ['UpdateAdvancedQueryTemplate', {}, 'MissingParameter', '"TemplateId"'],
    ['DeleteAdvancedQueryTemplate', {}, 'MissingParameter', '"TemplateId"'],
    ['DescribeAdvancedQueryTemplate', { PageSize: 101 }, 'InvalidParameter', '"PageSize"'],
    ['DescribeAdvancedQueryTemplate', { PageNumber: 0 }, 'InvalidParameter', '"PageNumber"'],
  ] as const)('%s %j → 400 %s', async (action, params, code, words) => {
    const k = await fresh();
    const f = await expectFailure(variant, t, k, action, params, { code, status: 400 });
    expect(f.message).toContain(words);
  });
});

describe('advanced query templates created in one millisecond', () => {
  let t: TestApp;
  // A clock that never moves: every template below is created in the same millisecond.
  const clock = new ManualClock(Date.now());
  beforeAll(async () => {
    t = await startTestApp({ clock });
  });
  afterAll(() => t.close());

  it('still list in the order they were created', async () => {
    const k = await t.newKey({ newAccount: true });
    const names = Array.from({ length: 12 }, (_, i) => `t${String(i).padStart(2, '0')}`);
    for (const name of names) {
      await call('openapi V3', t, k, 'CreateAdvancedQueryTemplate', {
        TemplateName: name,
        TemplateSql: SQL,
        SimpleQuery: true,
      });
    }
    const page = (await call('openapi V3', t, k, 'DescribeAdvancedQueryTemplate', {
      PageSize: 50,
    })) as { TemplatePage: { TemplateList: Array<{ TemplateName: string }> } };
    expect(page.TemplatePage.TemplateList.map((x) => x.TemplateName)).toEqual(names);
  });
});
