import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bodyFormat, decodeIngestBody, MAX_BODY_BYTES } from './ingest-body.js';

const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };
const NDJSON_TYPE = { 'content-type': 'application/x-ndjson' };

async function refusal(body: Buffer, headers: Record<string, string>) {
  try {
    await decodeIngestBody(body, headers);
  } catch (e) {
    const err = e as { code: string; status: number; message: string };
    return { code: err.code, status: err.status, message: err.message };
  }
  throw new Error('expected the body to be refused');
}

describe('bodyFormat', () => {
  it('reads the media type, ignoring parameters and case', () => {
    expect(bodyFormat('application/json; charset=utf-8')).toBe('json');
    expect(bodyFormat('Application/X-NDJSON')).toBe('ndjson');
    expect(bodyFormat('application/ndjson')).toBe('ndjson');
    expect(bodyFormat('text/plain')).toBeUndefined();
    expect(bodyFormat('')).toBeUndefined();
  });
});

describe('decodeIngestBody', () => {
  it('gives one record per array element, after a byte-order mark', async () => {
    const body = Buffer.from('\ufeff[{"a":1}, 2, null]');
    const decoded = await decodeIngestBody(body, JSON_TYPE);
    expect(decoded.records).toEqual([{ value: { a: 1 } }, { value: 2 }, { value: null }]);
  });

  it('counts NDJSON lines without blanks, and marks a broken line instead of failing', async () => {
    const body = Buffer.from('{"a":1}\r\n\n{"a":\n{"b":2}\n');
    const { records } = await decodeIngestBody(body, NDJSON_TYPE);
    expect(records).toHaveLength(3);
    expect(records[1]).toEqual({ unreadable: expect.stringMatching(/not valid JSON/) });
    expect(records[2]).toEqual({ value: { b: 2 } });
  });

  it('inflates gzip (Content-Encoding), and reports the inflated size', async () => {
    const text = JSON.stringify([{ a: 'x'.repeat(1000) }]);
    const decoded = await decodeIngestBody(gzipSync(text), {
      ...JSON_TYPE,
      'content-encoding': 'GZIP',
    });
    expect(decoded.inflatedBytes).toBe(Buffer.byteLength(text));
    expect(decoded.records).toHaveLength(1);
  });

  it('answers 413 for a body inflating past the limit, without inflating it all', async () => {
    const bomb = gzipSync(Buffer.alloc(MAX_BODY_BYTES + 1, 0x20));
    const r = await refusal(bomb, { ...JSON_TYPE, 'content-encoding': 'gzip' });
    expect(r).toMatchObject({ code: 'RequestEntityTooLarge', status: 413 });
  });

  it('accepts exactly 10,000 events and refuses 10,001 with InvalidParameter', async () => {
    const lines = (n: number) => Buffer.from('{}\n'.repeat(n));
    expect((await decodeIngestBody(lines(10_000), NDJSON_TYPE)).records).toHaveLength(10_000);
    const r = await refusal(lines(10_001), NDJSON_TYPE);
    expect(r).toMatchObject({ code: 'InvalidParameter', status: 400 });
    expect(r.message).toMatch(/at most 10000 events; this one has 10001/);
  });

  it('refuses bodies that are not JSON arrays or NDJSON at all', async () => {
    expect((await refusal(Buffer.from(''), JSON_TYPE)).message).toMatch(/not valid JSON/);
    expect((await refusal(Buffer.from('{"a":1}'), JSON_TYPE)).message).toMatch(/JSON array/);
    expect((await refusal(Buffer.from('a\nb'), NDJSON_TYPE)).message).toMatch(/not NDJSON/);
    expect((await refusal(Buffer.from('[]'), {})).message).toMatch(/Content-Type/);
    const notGzip = await refusal(Buffer.from('[]'), { ...JSON_TYPE, 'content-encoding': 'gzip' });
    expect(notGzip.message).toMatch(/not valid gzip/);
  });

  it('takes an empty array or an empty NDJSON body as a batch of nothing', async () => {
    expect((await decodeIngestBody(Buffer.from('[]'), JSON_TYPE)).records).toEqual([]);
    expect((await decodeIngestBody(Buffer.from('\n'), NDJSON_TYPE)).records).toEqual([]);
  });
});
