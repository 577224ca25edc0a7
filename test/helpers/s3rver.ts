import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

/** s3rver's fixed key pair (delivery-sinks §4.2); any other AccessKeyId is `InvalidAccessKeyId`. */
export const S3RVER_KEYS = { accessKeyId: 'S3RVER', accessKeySecret: 'S3RVER' };

export interface RunningS3rver {
  /** `http://127.0.0.1:<port>`: path-style only (virtual-hosted would need DNS for the bucket). */
  url: string;
  directory: string;
  client: S3Client;
  /** Every object under `prefix`, key → bytes (s3rver lists at most 1,000 keys per page). */
  objects(bucket: string, prefix?: string): Promise<Map<string, Buffer>>;
  close(): Promise<void>;
}

/**
 * The real `s3rver` package on a free port, storing under a temporary directory, with `buckets`
 * created. It speaks the S3 wire format (XML errors, ETag = MD5, Content-MD5 checked).
 */
export async function startS3rver(buckets: string[]): Promise<RunningS3rver> {
  const directory = mkdtempSync(path.join(tmpdir(), 's3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
  });
  const { port } = (await server.run()) as { port: number };
  const url = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint: url,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    url,
    directory,
    client,
    async objects(bucket, prefix) {
      const out = new Map<string, Buffer>();
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const o of page.Contents ?? []) {
          const key = o.Key as string;
          const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
          out.set(
            key,
            Buffer.from(
              await (
                got.Body as { transformToByteArray(): Promise<Uint8Array> }
              ).transformToByteArray(),
            ),
          );
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return out;
    },
    async close() {
      client.destroy();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
