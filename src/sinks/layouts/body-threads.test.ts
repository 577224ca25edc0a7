import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSlsBody, closeBodyThread } from './body-threads.js';
import { slsNdjson } from './sls-layout.js';

const EVENTS = [
  '{"eventId":"e-1","eventTime":"2021-08-05T00:25:26Z","n": 1.0}',
  `{"s":"${'\\"'.repeat(3_000)}"}`,
  `{"s":"${'\u0001\u001f'.repeat(3_000)}"}`,
  `{"s":"${'☕é𝄞'.repeat(3_000)}"}`,
  '{"s":"plain"}',
];
const TIMES = EVENTS.map((_, i) => Date.UTC(2021, 7, 5, 0, 25, i, 900));

afterAll(() => closeBodyThread());

describe('SLS-layout bodies on the body thread', () => {
  it('gives the bytes and MD5 slsNdjson gives, whatever the escapes, for batch after batch', async () => {
    const expected = slsNdjson(EVENTS, 0, TIMES);
    const built = await Promise.all(
      [EVENTS, EVENTS.slice(0, 1), EVENTS].map((events) =>
        buildSlsBody({ events, fallbackMs: 0, timesMs: TIMES.slice(0, events.length) }),
      ),
    );
    expect(built[0]?.body.equals(expected)).toBe(true);
    expect(built[0]?.md5).toBe(createHash('md5').update(expected).digest('hex'));
    // The thread's scratch buffer is reused: a short batch between two long ones is exact too.
    expect(built[1]?.body.equals(slsNdjson(EVENTS.slice(0, 1), 0, TIMES))).toBe(true);
    expect(built[2]?.body.equals(expected)).toBe(true);
  });

  it('escapes every ASCII character and non-ASCII text exactly as JSON.stringify does', async () => {
    const ascii = Array.from({ length: 128 }, (_, c) => `{"c":"${String.fromCharCode(c)}"}`);
    const events = [...ascii, '{"s":"\u2028\u2029\ufeff\u00ff"}', '{"s":"😀 \\u0041 \\"}'];
    const times = events.map((_, i) => i * 1_000);
    const built = await buildSlsBody({ events, fallbackMs: 0, timesMs: times });
    expect(built.body.equals(slsNdjson(events, 0, times))).toBe(true);
    const lines = built.body.toString('utf8').trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l).event)).toEqual(events);
  });

  it('keeps a body intact until it is released, and hands its memory out once after', async () => {
    const expected = slsNdjson(EVENTS, 0, TIMES);
    const held = await buildSlsBody({ events: EVENTS, fallbackMs: 0, timesMs: TIMES });
    expect(held.release).toBeDefined();
    // Many batches later (more than the pool keeps), the held body is still the same bytes.
    const others = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        buildSlsBody({ events: [`{"n":${i}}`], fallbackMs: 0, timesMs: [i * 1_000] }),
      ),
    );
    for (const o of others) o.release?.();
    expect(held.body.equals(expected)).toBe(true);
    const build = (e: string) => buildSlsBody({ events: [e], fallbackMs: 0, timesMs: [0] });
    held.release?.();
    const next = await build('{"m":1}');
    // A second release of the same batch changes nothing: bodies in use never share memory.
    held.release?.();
    const after = await build('{"m":2}');
    expect(next.body.buffer).not.toBe(after.body.buffer);
    expect(next.body.equals(slsNdjson(['{"m":1}'], 0, [0]))).toBe(true);
    expect(after.body.equals(slsNdjson(['{"m":2}'], 0, [0]))).toBe(true);
  });

  it('builds a batch holding a lone surrogate in-process (its bytes would differ otherwise)', async () => {
    const events = ['{"s":"\ud800"}', '{"s":"ok"}'];
    const built = await buildSlsBody({ events, fallbackMs: 0, timesMs: [0, 1_000] });
    expect(built.body.equals(slsNdjson(events, 0, [0, 1_000]))).toBe(true);
    expect(built.body.toString('utf8')).toContain('\\ud800');
  });

  it('builds in-process when the times are not given (each line then parses its event)', async () => {
    const events = [EVENTS[0] as string];
    const built = await buildSlsBody({ events, fallbackMs: 0 });
    expect(built.body.equals(slsNdjson(events, 0))).toBe(true);
    expect(JSON.parse(built.body.toString('utf8')).__time__).toBe(
      Date.UTC(2021, 7, 5, 0, 25, 26) / 1000,
    );
  });

  it('answers what the thread owed when it ends, and keeps building bodies after', async () => {
    const owed = buildSlsBody({ events: EVENTS, fallbackMs: 0, timesMs: TIMES });
    await closeBodyThread();
    expect((await owed).body.equals(slsNdjson(EVENTS, 0, TIMES))).toBe(true);
    const after = await buildSlsBody({ events: EVENTS, fallbackMs: 0, timesMs: TIMES });
    expect(after.body.equals(slsNdjson(EVENTS, 0, TIMES))).toBe(true);
  });
});
