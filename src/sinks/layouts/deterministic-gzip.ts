import { constants, createGzip, type ZlibOptions } from 'node:zlib';

/** Byte 9 of the gzip header (RFC 1952 §2.3): the OS that wrote the file. 3 = Unix. */
const OS_BYTE_OFFSET = 9;
const OS_UNIX = 3;

const MIN_CHUNK = 16 * 1024;
const MAX_CHUNK = 4 * 1024 * 1024;

/**
 * The compression level of new OSS objects ([G] round 4, docs/benchmarks.md): 3 compresses a
 * history's JSON about twice as fast as 6 on one core (4.5 vs 9.3 µs per ~1 KB event) for
 * objects ~20 % larger (ratio 0.145 vs 0.120). The level is part of the bytes, hence of the
 * object name (size and MD5): a batch planned by an earlier version is re-prepared at the level
 * it was planned with, tried in EARLIER_GZIP_LEVELS order until its planned name comes out.
 */
export const GZIP_LEVEL = 3;
export const EARLIER_GZIP_LEVELS: readonly number[] = [6];

/**
 * Gzip whose bytes depend only on the input, so a re-sent batch has the same size and MD5 and
 * therefore the same OSS key (decisions §6). Node writes no file name and mtime 0 (checked on Node
 * 20: header `1f8b 08 00 00000000 00 03`); the compression parameters are pinned rather than left
 * to defaults, and the OS byte is pinned because zlib builds for Windows write 10 instead of 3.
 *
 * Caveat (docs/sinks.md): the deflate stream itself is only guaranteed stable for one zlib build;
 * a different Node/zlib version may compress the same input to different bytes.
 */
export async function deterministicGzip(
  /** The bytes, or pieces of them read in turn (the same output either way). */
  input: Buffer | readonly Uint8Array[],
  level = GZIP_LEVEL,
): Promise<Buffer> {
  const pieces = Buffer.isBuffer(input) ? [input] : input;
  let length = 0;
  for (const p of pieces) length += p.length;
  const options: ZlibOptions = {
    // Output pieces of about the whole object (JSON compresses to ~15 %), not 16 KB: each piece
    // was a callback and a copy on the main thread, ~2 µs per event of a dense history job
    // ([G] round 6). The bytes do not depend on it (tested).
    chunkSize: Math.min(Math.max(length >> 2, MIN_CHUNK), MAX_CHUNK),
    level,
    memLevel: 8,
    windowBits: 15,
    strategy: constants.Z_DEFAULT_STRATEGY,
  };
  const out = await gzipPieces(pieces, options);
  out[OS_BYTE_OFFSET] = OS_UNIX;
  return out;
}

/** One gzip stream over the pieces, written without flushes between them. */
function gzipPieces(pieces: readonly Uint8Array[], options: ZlibOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const z = createGzip(options);
    const out: Buffer[] = [];
    z.on('data', (d: Buffer) => out.push(d));
    z.on('end', () => resolve(Buffer.concat(out)));
    z.on('error', reject);
    for (const p of pieces) z.write(p);
    z.end();
  });
}
