import { createHash } from 'node:crypto';
import { GetBucketLocationCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { destinationOfKind } from '../layouts/check-batch.js';
import { prepareOssBatch } from '../layouts/oss-layout.js';
import {
  type BatchContent,
  type DeliveryAck,
  type PreparedBatch,
  type Sink,
  SinkError,
} from '../sink.js';
import { abortedError, s3Error } from './s3-errors.js';

export interface S3SinkOptions {
  /** e.g. `https://s3.oss-cn-hangzhou.aliyuncs.com` (delivery-sinks §4.3). */
  endpoint: string;
  /** Signing region; unset, see signingRegion. */
  region?: string | undefined;
  accessKeyId: string;
  accessKeySecret: string;
  /** False (OSS): `<bucket>.<endpoint host>`; true: `<endpoint>/<bucket>`. */
  forcePathStyle: boolean;
  timeoutMs?: number;
  /** Connections per endpoint, so PutObject requests in flight. */
  maxSockets?: number;
}

/**
 * OSS's S3 endpoints are `s3.oss-<region>[-internal].aliyuncs.com` and sign with the
 * `oss-<region>` label; anything else (a CNAME, a fake) defaults to S3's `us-east-1`.
 */
export function signingRegion(options: Pick<S3SinkOptions, 'endpoint' | 'region'>): string {
  if (options.region) return options.region;
  const host = new URL(options.endpoint).hostname;
  const oss = /(?:^|\.)(oss-[a-z0-9-]+?)(?:-internal)?\.aliyuncs\.com$/.exec(host);
  return oss?.[1] ?? 'us-east-1';
}

export function createS3Client(options: S3SinkOptions): S3Client {
  return new S3Client({
    endpoint: options.endpoint,
    region: signingRegion(options),
    forcePathStyle: options.forcePathStyle,
    credentials: {
      accessKeyId: options.accessKeyId,
      secretAccessKey: options.accessKeySecret,
    },
    // OSS has no CRC32 / aws-chunked trailers (delivery-sinks §4.3): send the Content-MD5 we
    // compute ourselves and nothing else.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // The delivery engine owns retries and backoff (and counts them against its failure budget):
    // SDK retries inside one attempt would multiply its time by up to 3 (the SDK's default
    // attempts, each waiting its own timeout) without the engine knowing, and hide the errors
    // from the failure list.
    maxAttempts: 1,
    requestHandler: {
      // A hard bound on one attempt, so a receiver that never answers fails it (retryable
      // `ETIMEDOUT`) instead of holding the job. The SDK only *warns* past `requestTimeout`
      // unless `throwOnRequestTimeout` is set, and it stops timing once the answer's headers
      // arrive: `socketTimeout` (no byte for that long) covers an answer that stalls mid-body.
      // Both were found missing by test/integration/oss-faults.test.ts (the job hung for good).
      requestTimeout: options.timeoutMs ?? 60_000,
      throwOnRequestTimeout: true,
      socketTimeout: options.timeoutMs ?? 60_000,
      connectionTimeout: Math.min(options.timeoutMs ?? 10_000, 10_000),
      httpAgent: { keepAlive: true, maxSockets: options.maxSockets ?? 8 },
      httpsAgent: { keepAlive: true, maxSockets: options.maxSockets ?? 8 },
    },
  });
}

/** An ETag is the quoted hex MD5 of a simple PUT's body; OSS writes the hex in upper case. */
function etagMd5(etag: string | undefined): string | undefined {
  return etag?.replace(/^"|"$/g, '').toLowerCase();
}

/**
 * The OSS sink: each batch is one PutObject of the gzip JSON array under ActionTrail's key
 * (src/sinks/layouts/oss-layout.ts), with Content-MD5 so the store rejects damaged bytes, and
 * the returned ETag checked against the same MD5 so a proxy that altered the body is caught
 * too. The key holds count, size and MD5 of the body, so a re-sent batch overwrites itself.
 */
export function createS3Sink(options: S3SinkOptions): Sink & { close(): Promise<void> } {
  const client = createS3Client(options);
  return {
    kind: 's3',

    async prepare(content: BatchContent): Promise<PreparedBatch> {
      // The key is named after the content, and a PUT replaces an object of the same key.
      return { ...(await prepareOssBatch(content)), overwrites: true };
    },

    async deliver(batch: PreparedBatch, signal?: AbortSignal): Promise<DeliveryAck> {
      if (signal?.aborted) throw abortedError(signal);
      const { bucket } = destinationOfKind(batch.content, 'oss');
      const md5 = createHash('md5').update(batch.body).digest();
      let etag: string | undefined;
      try {
        const out = await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: batch.objectName,
            Body: batch.body,
            ContentLength: batch.body.length,
            ContentMD5: md5.toString('base64'),
            ContentType: 'application/octet-stream',
          }),
          signal ? { abortSignal: signal } : {},
        );
        etag = out.ETag;
      } catch (e) {
        if (signal?.aborted) throw abortedError(signal);
        throw s3Error(e, `PutObject ${bucket}/${batch.objectName}`);
      }
      // An ETag that is not an MD5 (multipart, SSE-KMS) cannot be compared; ours never is either.
      const got = etagMd5(etag);
      if (got !== undefined && /^[0-9a-f]{32}$/.test(got) && got !== md5.toString('hex')) {
        throw new SinkError(
          `PutObject ${bucket}/${batch.objectName}: ETag ${got} is not the body's MD5`,
          { code: 'ETagMismatch', retryable: true },
        );
      }
      return { objectName: batch.objectName, bytes: batch.body.length, count: batch.count };
    },

    async close(): Promise<void> {
      client.destroy();
    },
  };
}

export interface BucketInfo {
  /** `OssBucketLocation`: the bucket's LocationConstraint (`oss-cn-hangzhou` on OSS). */
  location: string;
}

/**
 * Whether `bucket` exists and where (CreateTrail/UpdateTrail, decisions §4; doctor). Resolves
 * `undefined` for a bucket that does not exist (404); throws the SinkError of any other failure
 * (bad key, endpoint down). GetBucketLocation rather than HeadBucket: a HEAD answer has no body,
 * so a refusal would lose its code (InvalidAccessKeyId, AccessDenied). An empty
 * LocationConstraint is S3's way of saying `us-east-1`; answered as the signing region.
 */
export async function lookUpBucket(
  client: S3Client,
  options: Pick<S3SinkOptions, 'endpoint' | 'region'>,
  bucket: string,
): Promise<BucketInfo | undefined> {
  try {
    const out = await client.send(new GetBucketLocationCommand({ Bucket: bucket }));
    return { location: out.LocationConstraint || signingRegion(options) };
  } catch (e) {
    const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404) return undefined;
    throw s3Error(e, `GetBucketLocation ${bucket}`);
  }
}
