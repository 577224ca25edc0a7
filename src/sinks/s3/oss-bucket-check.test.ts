import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningS3rver, startS3rver } from '../../../test/helpers/s3rver.js';
import { loadConfig } from '../../config/load-config.js';
import { ossBucketCheckFromConfig } from './oss-bucket-check.js';

let s3: RunningS3rver;
beforeAll(async () => {
  s3 = await startS3rver(['audit-bucket']);
});
afterAll(() => s3.close());

function check(env: Record<string, string>) {
  return ossBucketCheckFromConfig(
    loadConfig({
      env: {
        OPENTRAIL_OSS_ENDPOINT: s3.url,
        OPENTRAIL_OSS_ACCESS_KEY_ID: 'S3RVER',
        OPENTRAIL_OSS_ACCESS_KEY_SECRET: 'S3RVER',
        OPENTRAIL_OSS_FORCE_PATH_STYLE: 'true',
        ...env,
      },
    }),
  );
}

describe('the CreateTrail/UpdateTrail bucket check', () => {
  it('is off without an OSS endpoint: any valid name is accepted', () => {
    expect(ossBucketCheckFromConfig(loadConfig({ env: {} }))).toBeUndefined();
  });

  it('answers the location of a bucket that exists, 404 for one that does not', async () => {
    const c = check({ OPENTRAIL_OSS_REGION: 'oss-cn-hangzhou' });
    // s3rver reports no LocationConstraint: the configured signing region is where it is.
    await expect(c?.('audit-bucket')).resolves.toBe('oss-cn-hangzhou');
    await expect(c?.('missing-bucket')).rejects.toMatchObject({
      code: 'BucketDoesNotExistException',
      status: 404,
    });
    c?.close();
  });

  it('refused credentials are 403 InsufficientBucketPolicyException, no answer is 503', async () => {
    const refused = check({ OPENTRAIL_OSS_ACCESS_KEY_ID: 'LTAI-nobody' });
    await expect(refused?.('audit-bucket')).rejects.toMatchObject({
      code: 'InsufficientBucketPolicyException',
      status: 403,
      message: expect.stringContaining('InvalidAccessKeyId'),
    });
    refused?.close();
    const down = check({ OPENTRAIL_OSS_ENDPOINT: 'http://127.0.0.1:1' });
    await expect(down?.('audit-bucket')).rejects.toMatchObject({
      code: 'ServiceUnavailable',
      status: 503,
    });
    down?.close();
  });
});
