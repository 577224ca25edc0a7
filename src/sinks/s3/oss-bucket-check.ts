import type { Config } from '../../config/config.js';
import { ApiError } from '../../errors/api-error.js';
import { ossSinkOptions } from '../create-sink.js';
import { isSinkError } from '../sink.js';
import { createS3Client, lookUpBucket, type S3SinkOptions } from './s3.sink.js';

/** The bucket's OssBucketLocation, or an ApiError saying why the trail cannot use it. */
export type OssBucketCheck = ((bucket: string) => Promise<string>) & { close(): void };

/** S3's answers that mean "these credentials may not use this bucket". */
const DENIED = new Set(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'HTTP403']);

/**
 * CreateTrail/UpdateTrail's bucket check (decisions §4), or undefined when no OSS endpoint is
 * configured (any valid name is accepted then). A missing bucket is 404
 * BucketDoesNotExistException; refused credentials 403 InsufficientBucketPolicyException (the
 * code Terraform retries while permissions propagate); an endpoint that does not answer 503.
 */
export function ossBucketCheckFromConfig(config: Config): OssBucketCheck | undefined {
  const options = ossSinkOptions(config);
  if (!options) return undefined;
  const client = createS3Client({ ...options, timeoutMs: 10_000 });
  const check = async (bucket: string): Promise<string> => {
    let found: Awaited<ReturnType<typeof lookUpBucket>>;
    try {
      found = await lookUpBucket(client, options, bucket);
    } catch (e) {
      const code = isSinkError(e) ? e.details.code : '';
      if (DENIED.has(code)) {
        throw new ApiError(
          'InsufficientBucketPolicyException',
          `The OSS credentials may not use bucket ${bucket} (${code}).`,
          { cause: e },
        );
      }
      throw new ApiError('ServiceUnavailable', `OSS did not answer for bucket ${bucket}.`, {
        cause: e,
      });
    }
    if (!found) throw new ApiError('BucketDoesNotExistException');
    return found.location;
  };
  return Object.assign(check, { close: () => client.destroy() });
}

/**
 * `opentrail doctor`: the bucket looked up through the configured endpoint and keys. Throws a
 * message naming what OSS answered (NoSuchBucket, InvalidAccessKeyId, …), never the secret.
 */
export async function describeOssBucket(options: S3SinkOptions, bucket: string): Promise<string> {
  const client = createS3Client({ ...options, timeoutMs: 10_000 });
  try {
    const found = await lookUpBucket(client, options, bucket);
    if (!found)
      throw new Error(`NoSuchBucket: bucket ${bucket} does not exist at ${options.endpoint}`);
    return `bucket ${bucket} (${found.location}) at ${options.endpoint}: credentials accepted`;
  } finally {
    client.destroy();
  }
}
