import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compress, decompress } from './sls-compression.js';
import { encodeEvents } from './sls-log-group.js';

/**
 * An independent LZ4 *block* decoder (the format's spec, as in the reference capture server):
 * proves our lz4 body is a bare block — no frame, no size prefix — as SLS expects.
 */
function lz4BlockDecode(src: Buffer, rawSize: number): Buffer {
  const dst = Buffer.alloc(rawSize);
  let si = 0;
  let di = 0;
  while (si < src.length) {
    const token = src[si++] as number;
    let literals = token >> 4;
    if (literals === 15) {
      let b: number;
      do {
        b = src[si++] as number;
        literals += b;
      } while (b === 255);
    }
    src.copy(dst, di, si, si + literals);
    si += literals;
    di += literals;
    if (si >= src.length) break;
    const offset = (src[si] as number) | ((src[si + 1] as number) << 8);
    si += 2;
    let match = token & 15;
    if (match === 15) {
      let b: number;
      do {
        b = src[si++] as number;
        match += b;
      } while (b === 255);
    }
    match += 4;
    for (let k = 0; k < match; k++, di++) dst[di] = dst[di - offset] as number;
  }
  expect(di).toBe(rawSize);
  return dst;
}

const events = Array.from(
  { length: 50 },
  (_, i) => `{"eventId":"e-${i}","eventTime":"2021-08-05T00:25:26Z","eventName":"DescribeRegions"}`,
);
const raw = encodeEvents(events, () => 1628123126);

describe('PutLogs compression', () => {
  it('lz4 is a raw block that a plain block decoder reads back', () => {
    const body = compress(raw, 'lz4');
    expect(body.length).toBeLessThan(raw.length);
    expect(lz4BlockDecode(body, raw.length).equals(raw)).toBe(true);
    expect(decompress(body, 'lz4', raw.length).equals(raw)).toBe(true);
  });

  it('deflate is a zlib stream', () => {
    const body = compress(raw, 'deflate');
    expect(body[0]).toBe(0x78);
    expect(inflateSync(body).equals(raw)).toBe(true);
    expect(decompress(body, 'deflate', raw.length).equals(raw)).toBe(true);
  });

  it('none sends the LogGroup itself', () => {
    expect(compress(raw, 'none')).toBe(raw);
  });

  it('the same input compresses to the same bytes', () => {
    expect(compress(raw, 'lz4').equals(compress(Buffer.from(raw), 'lz4'))).toBe(true);
    expect(compress(raw, 'deflate').equals(compress(Buffer.from(raw), 'deflate'))).toBe(true);
  });

  it('a raw size that does not match the body is refused', () => {
    expect(() => decompress(compress(raw, 'deflate'), 'deflate', raw.length + 1)).toThrow(
      /bodyrawsize/,
    );
    expect(() => decompress(raw, 'zstd', raw.length)).toThrow(/zstd/);
  });
});
