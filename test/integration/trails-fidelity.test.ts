import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewAccessKey } from '../../src/domain/accounts/access-keys.js';
import { call, type Variant } from '../helpers/sdk-clients.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { trailList } from '../helpers/trails.js';

/**
 * What the Terraform replay found (issue 13, item 5): write roles Terraform reads as computed,
 * OssBucketLocation, and which trails a DescribeTrails listing includes.
 */
const PAIR: Variant[] = ['pop-core GET', 'openapi V3'];

describe.each(PAIR)('trail fidelity via %s', (variant) => {
  let t: TestApp;
  const fresh = () => t.newKey({ newAccount: true });
  const sls = (k: NewAccessKey) => `acs:log:cn-hangzhou:${k.accountId}:project/audit-logs`;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('answers the service-linked role for SLS and MaxCompute roles left out, OSS as sent', async () => {
    const k = await fresh();
    const slr = `acs:ram::${k.accountId}:role/aliyunserviceroleforactiontrail`;
    const created = await call(variant, t, k, 'CreateTrail', {
      Name: 'role-default',
      SlsProjectArn: sls(k),
      OssBucketName: 'bucket-r',
    });
    const expected = { SlsWriteRoleArn: slr, MaxComputeWriteRoleArn: slr, OssWriteRoleArn: '' };
    expect(created).toMatchObject(expected);
    const [trail] = trailList(
      await call(variant, t, k, 'DescribeTrails', { NameList: 'role-default' }),
    );
    expect(trail).toMatchObject({ ...expected, OssBucketLocation: 'oss-cn-hangzhou' });
  });

  it('a NameList read returns organization trails; an unfiltered list leaves them out', async () => {
    const k = await fresh();
    await call(variant, t, k, 'CreateTrail', {
      Name: 'org-trail',
      OssBucketName: 'bucket-o',
      IsOrganizationTrail: true,
    });
    await call(variant, t, k, 'CreateTrail', { Name: 'own-trail', OssBucketName: 'bucket-o' });
    const names = async (p: Record<string, unknown>) =>
      trailList(await call(variant, t, k, 'DescribeTrails', p)).map((x) => x.Name);
    expect(await names({})).toEqual(['own-trail']);
    expect(await names({ IncludeOrganizationTrail: false })).toEqual(['own-trail']);
    expect(await names({ IncludeOrganizationTrail: true })).toEqual(['org-trail', 'own-trail']);
    expect(await names({ NameList: 'org-trail,own-trail' })).toEqual(['org-trail', 'own-trail']);
    expect(await names({ NameList: 'org-trail', IncludeOrganizationTrail: false })).toEqual([
      'org-trail',
    ]);
  });
});
