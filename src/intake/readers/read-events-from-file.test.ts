import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEvents } from '../seed/generate-events.js';
import { type RecordResult, readEventsFromFile } from './read-events-from-file.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'opentrail-readers-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const event = (i: number) => ({
  eventId: `E-${i}`,
  eventName: 'DescribeInstances',
  serviceName: 'Ecs',
  eventTime: '2024-05-10T11:00:00Z',
  userIdentity: { userName: `用户-${i}` },
});

async function file(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

async function readAll(path: string, maxLineBytes?: number) {
  const reader = readEventsFromFile(path, maxLineBytes ? { maxLineBytes } : {});
  const results: RecordResult[] = [];
  for await (const result of reader) results.push(result);
  return { reader, results };
}

const records = (results: RecordResult[]) =>
  results.flatMap((r) => ('record' in r ? [[r.line, r.record]] : []));
const errors = (results: RecordResult[]) =>
  results.flatMap((r) => ('error' in r ? [[r.line, r.error]] : []));

describe('readEventsFromFile', () => {
  it('reads a gzip OSS export (one JSON array) and counts compressed bytes', async () => {
    const events = [event(0), event(1), event(2)];
    const path = await file('oss.json.gz', gzipSync(JSON.stringify(events)));
    const { reader, results } = await readAll(path);
    expect(results).toEqual(events.map((record, line) => ({ record, line })));
    expect(reader.gzip).toBe(true);
    expect(reader.format).toBe('json-array');
    expect(reader.bytesRead).toBe((await stat(path)).size);
  });

  it('reads a plain, pretty-printed JSON array and reports non-objects by index', async () => {
    const body = `\uFEFF\n\n  ${JSON.stringify([event(0), 42, event(2), null], null, 2)}\n`;
    const { reader, results } = await readAll(await file('plain.json', body));
    expect(reader).toMatchObject({ gzip: false, format: 'json-array' });
    expect(records(results)).toEqual([
      [0, event(0)],
      [2, event(2)],
    ]);
    expect(errors(results)).toEqual([
      [1, 'expected a JSON object, found a number'],
      [3, 'expected a JSON object, found null'],
    ]);
  });

  it('reads NDJSON with 1-based line numbers, blank lines and CRLF', async () => {
    const body = `\n${JSON.stringify(event(0))}\r\n\n${JSON.stringify(event(1))}`;
    const { reader, results } = await readAll(await file('events.ndjson', body));
    expect(reader.format).toBe('ndjson');
    expect(results).toEqual([
      { record: event(0), line: 2 },
      { record: event(1), line: 4 },
    ]);
  });

  it('unwraps SLS export lines (event as a JSON string)', async () => {
    const sls = (e: object) =>
      JSON.stringify({
        __topic__: 'actiontrail_audit_event',
        __time__: 1715338800,
        event: JSON.stringify(e),
      });
    const body = `${sls(event(0))}\n${JSON.stringify({ __topic__: 'actiontrail_audit_event', event: event(1) })}\n${sls(event(2))}\n`;
    const { results } = await readAll(await file('sls.log.gz', gzipSync(body)));
    expect(results).toEqual([
      { record: event(0), line: 1 },
      { record: event(1), line: 2 },
      { record: event(2), line: 3 },
    ]);
  });

  it('reports broken lines with their numbers and reads the others', async () => {
    const lines = [
      JSON.stringify(event(0)),
      '{"eventName": "Broken",',
      '[1, 2]',
      JSON.stringify({ __topic__: 'actiontrail_audit_event', event: '{not json' }),
      JSON.stringify({ __topic__: 'actiontrail_audit_event' }),
      JSON.stringify({ ...event(5), pad: 'x'.repeat(500) }),
      JSON.stringify(event(6)),
    ];
    const { results } = await readAll(await file('broken.jsonl', lines.join('\n')), 400);
    expect(records(results)).toEqual([
      [1, event(0)],
      [7, event(6)],
    ]);
    const reported = errors(results);
    expect(reported.map(([line]) => line)).toEqual([2, 3, 4, 5, 6]);
    expect(reported[0]?.[1]).toMatch(/^invalid JSON/);
    expect(reported[1]?.[1]).toBe('expected a JSON object, found an array');
    expect(reported[2]?.[1]).toMatch(/^SLS "event" field is not valid JSON/);
    expect(reported[3]?.[1]).toMatch(/no "event" field/);
    expect(reported[4]?.[1]).toMatch(/^line is \d+ bytes, over 400/);
  });

  it('stops a JSON array at an element over the size limit instead of inflating it (gzip bomb)', async () => {
    // Issue 16 fuzzing: 200 KB of gzip held one 200 MB string, which the parser assembled whole.
    const huge = Buffer.concat([
      Buffer.from(`[${JSON.stringify({ ...event(0), note: '],[{"a":"}' })},{"eventId":"`),
      Buffer.alloc(8 * 1024 * 1024, 0x41),
      Buffer.from(`"},${JSON.stringify(event(2))}]`),
    ]);
    const path = await file('bomb.json.gz', gzipSync(huge));
    const { results } = await readAll(path, 64 * 1024);
    expect(records(results)).toEqual([[0, { ...event(0), note: '],[{"a":"}' }]]);
    expect(errors(results)).toEqual([
      [1, 'an element is larger than 65536 bytes (elements from index 1 on were not read)'],
    ]);
  });

  it('ends a JSON array at a syntax error with one error record, without throwing', async () => {
    const body = `[${JSON.stringify(event(0))},${JSON.stringify(event(1))},{"eventName": oops}]`;
    const { results } = await readAll(await file('bad-array.json', body));
    const last = results.at(-1);
    expect(last).toMatchObject({
      line: expect.any(Number),
      error: expect.stringMatching(/not read/),
    });
    expect(results.filter((r) => 'error' in r)).toHaveLength(1);
  });

  it('reports a truncated gzip file after the records it could read', async () => {
    const lines = Array.from({ length: 2000 }, (_, i) => JSON.stringify(event(i))).join('\n');
    const zipped = gzipSync(lines);
    const { results } = await readAll(
      await file('cut.ndjson.gz', zipped.subarray(0, zipped.length - 200)),
    );
    expect(records(results).length).toBeGreaterThan(1000);
    expect(results.at(-1)).toMatchObject({
      error: expect.stringMatching(/unexpected end of file/),
    });
  });

  it('rejects content that is neither JSON array nor JSON lines, and missing files', async () => {
    const { reader, results } = await readAll(await file('notes.log', '\n\nhello world\n'));
    expect(reader.format).toBe('unknown');
    expect(results).toEqual([{ line: 3, error: expect.stringMatching(/^not an event file/) }]);
    const missing = await readAll(join(dir, 'nope.json'));
    expect(missing.results).toEqual([{ line: 0, error: expect.stringMatching(/ENOENT/) }]);
  });

  it('reads an empty file as no records', async () => {
    const { reader, results } = await readAll(await file('empty.json', '  \n'));
    expect(results).toEqual([]);
    expect(reader.format).toBe('empty');
  });

  it('stops cleanly when the consumer breaks early', async () => {
    const path = await file(
      'many.ndjson',
      Array.from({ length: 5000 }, (_, i) => JSON.stringify(event(i))).join('\n'),
    );
    let seen = 0;
    for await (const _ of readEventsFromFile(path)) if (++seen === 10) break;
    expect(seen).toBe(10);
  });

  it('streams a large array file in memory far below its size', async () => {
    const path = join(dir, 'large.json');
    const out = createWriteStream(path);
    let first = true;
    out.write('[');
    const options = {
      count: 50_000,
      days: 30,
      accounts: ['1234567890123456'],
      seed: 3,
      now: Date.UTC(2024, 5, 1),
      regions: ['cn-hangzhou'],
    };
    for (const e of generateEvents(options)) {
      if (!out.write(`${first ? '' : ',\n'}${JSON.stringify(e)}`))
        await new Promise<void>((r) => out.once('drain', () => r()));
      first = false;
    }
    out.end(']');
    await finished(out);
    const size = (await stat(path)).size;

    const baseline = process.memoryUsage().heapUsed;
    let peak = 0;
    let count = 0;
    let lastId = '';
    const reader = readEventsFromFile(path);
    for await (const result of reader) {
      if ('error' in result) throw new Error(result.error);
      lastId = (result.record as { eventId: string }).eventId;
      if (++count % 1000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
    }
    expect(count).toBe(50_000);
    expect(lastId).toMatch(/^[0-9A-F-]{36}$/);
    expect(reader.bytesRead).toBe(size);
    expect(size).toBeGreaterThan(40 * 1024 * 1024);
    // Generous: garbage collection timing varies, but a whole-file parse would need > size.
    expect(peak).toBeLessThan(size / 2);
  }, 30_000);
});
