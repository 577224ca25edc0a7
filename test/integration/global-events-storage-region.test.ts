import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type Variant } from '../helpers/sdk-clients.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { expectFailure } from '../helpers/trails.js';

/** pop-core GET is how the SDK and Terraform send both Actions; POST works as well. */
const VARIANTS: Variant[] = ['pop-core GET', 'pop-core POST', 'openapi V3'];

describe.each(VARIANTS)('global events storage region via %s', (variant) => {
  let t: TestApp;
  const fresh = () => t.newKey({ newAccount: true });
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('is the home region until updated, then the chosen region, per account', async () => {
    const a = await fresh();
    const b = await fresh();
    expect(await call(variant, t, a, 'GetGlobalEventsStorageRegion')).toEqual({
      RequestId: expect.stringMatching(/^[0-9A-F-]{36}$/),
      StorageRegion: 'cn-hangzhou',
    });
    const updated = await call(variant, t, a, 'UpdateGlobalEventsStorageRegion', {
      StorageRegion: 'ap-southeast-1',
    });
    expect(Object.keys(updated)).toEqual(['RequestId']);
    expect(await call(variant, t, a, 'GetGlobalEventsStorageRegion')).toMatchObject({
      StorageRegion: 'ap-southeast-1',
    });
    // Another account still sees its own (default) setting.
    expect(await call(variant, t, b, 'GetGlobalEventsStorageRegion')).toMatchObject({
      StorageRegion: 'cn-hangzhou',
    });
    await call(variant, t, a, 'UpdateGlobalEventsStorageRegion', { StorageRegion: 'cn-hangzhou' });
    expect(await call(variant, t, a, 'GetGlobalEventsStorageRegion')).toMatchObject({
      StorageRegion: 'cn-hangzhou',
    });
  });

  it.each([
    [{}, 'MissingParameter', '"StorageRegion"'],
    [{ StorageRegion: 'mars-north-1' }, 'InvalidParameter', 'mars-north-1'],
  ])('UpdateGlobalEventsStorageRegion %j → 400 %s', async (params, code, words) => {
    const k = await fresh();
    const f = await expectFailure(variant, t, k, 'UpdateGlobalEventsStorageRegion', params, {
      code,
      status: 400,
    });
    expect(f.message).toContain(words);
    expect(await call(variant, t, k, 'GetGlobalEventsStorageRegion')).toMatchObject({
      StorageRegion: 'cn-hangzhou',
    });
  });
});
