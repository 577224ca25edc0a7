import { deflateSync, inflateSync } from 'node:zlib';
import { compressSync, uncompressSync } from 'lz4-napi';

/** `x-log-compresstype` values we speak; `none` sends the raw protobuf without the header. */
export const SLS_COMPRESSIONS = ['lz4', 'deflate', 'none'] as const;
export type SlsCompression = (typeof SLS_COMPRESSIONS)[number];

/** lz4-napi (lz4_flex) frames its blocks with a little-endian u32 of the raw size. */
const LZ4_SIZE_PREFIX = 4;

/**
 * SLS's lz4 is a raw LZ4 *block*, no frame and no size prefix (the raw size travels in
 * `x-log-bodyrawsize`); deflate is a zlib (RFC 1950) stream (delivery-sinks §3.4). lz4-napi is
 * what Alibaba's own gateway uses; it ships prebuilt binaries inside its registry packages.
 * Both are deterministic for one library build, which `prepare` relies on.
 */
export function compress(raw: Buffer, compression: SlsCompression): Buffer {
  switch (compression) {
    case 'lz4':
      return compressSync(raw).subarray(LZ4_SIZE_PREFIX);
    case 'deflate':
      return deflateSync(raw);
    case 'none':
      return raw;
  }
}

/** The inverse, for the dev server; throws when the body does not decompress to `rawSize` bytes. */
export function decompress(body: Buffer, compression: string, rawSize: number): Buffer {
  let raw: Buffer;
  if (compression === 'lz4') {
    const prefix = Buffer.alloc(LZ4_SIZE_PREFIX);
    prefix.writeUInt32LE(rawSize);
    raw = uncompressSync(Buffer.concat([prefix, body]));
  } else if (compression === 'deflate') {
    raw = inflateSync(body);
  } else if (compression === '' || compression === 'none') {
    raw = body;
  } else {
    throw new Error(`unsupported x-log-compresstype ${compression}`);
  }
  if (raw.length !== rawSize) {
    throw new Error(`decompressed ${raw.length} bytes, x-log-bodyrawsize says ${rawSize}`);
  }
  return raw;
}
