import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { BatchContent } from '../sink.js';
import { prepareSlsBatch, SLS_TOPIC, type SlsLogLine, slsLogTime } from './sls-layout.js';

const BUCKET_START = Date.UTC(2021, 7, 5, 0, 25, 0);
const EVENTS = [
  '{"eventId":"e-1","eventTime":"2021-08-05T00:25:26Z","n": 1.0}',
  '{"eventId":"e-2","eventTime":"2021-08-05T00:29:59Z","s":"line\\nbreak \\"quoted\\" ☕"}',
];

function batch(events: readonly string[] = EVENTS): BatchContent {
  return {
    accountId: '1234567890123456',
    trailName: 'trail-test',
    region: 'cn-hangzhou',
    destination: {
      kind: 'sls',
      project: 'audit-project',
      logstore: 'actiontrail_trail-test',
      region: 'cn-hangzhou',
      accountId: '1234567890123456',
    },
    bucketStart: BUCKET_START,
    firstSeq: 41,
    lastSeq: 42,
    events,
  };
}

function lines(body: Buffer): SlsLogLine[] {
  const text = body.toString('utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((l) => JSON.parse(l) as SlsLogLine);
}

describe('SLS layout', () => {
  it('writes one log line per event with the topic, the event time and the exact event text', async () => {
    const { body, count } = await prepareSlsBatch(batch());
    const logs = lines(body);
    expect(count).toBe(2);
    expect(logs).toEqual([
      { __topic__: SLS_TOPIC, __time__: Date.UTC(2021, 7, 5, 0, 25, 26) / 1000, event: EVENTS[0] },
      { __topic__: SLS_TOPIC, __time__: Date.UTC(2021, 7, 5, 0, 29, 59) / 1000, event: EVENTS[1] },
    ]);
    expect(SLS_TOPIC).toBe('actiontrail_audit_event');
    expect(body.toString('utf8')).toMatch(/^\{"__topic__":"actiontrail_audit_event","__time__":/);
  });

  it('names the file under project/logstore/region by sequence range, count and md5', async () => {
    const { objectName, body } = await prepareSlsBatch(batch());
    const md5 = createHash('md5').update(body).digest('hex');
    expect(objectName).toBe(
      `audit-project/actiontrail_trail-test/cn-hangzhou/00000000000000000041-00000000000000000042_2_${md5}.ndjson`,
    );
  });

  it('is deterministic for the same content and differs for different content', async () => {
    const first = await prepareSlsBatch(batch());
    const again = await prepareSlsBatch(batch([...EVENTS]));
    const other = await prepareSlsBatch(batch([EVENTS[0] ?? '']));
    expect(again.body.equals(first.body)).toBe(true);
    expect(again.objectName).toBe(first.objectName);
    expect(other.objectName).not.toBe(first.objectName);
  });

  it("takes the times from the store's column when given: the same bytes as parsing each event", async () => {
    const times = [Date.UTC(2021, 7, 5, 0, 25, 26), Date.UTC(2021, 7, 5, 0, 29, 59, 900)];
    const parsed = await prepareSlsBatch(batch());
    const fromColumn = await prepareSlsBatch({ ...batch(), eventTimes: times });
    expect(fromColumn.body.equals(parsed.body)).toBe(true);
    expect(fromColumn.objectName).toBe(parsed.objectName);
    // The column is what is read: another time there shows in the line.
    const other = await prepareSlsBatch({ ...batch(), eventTimes: [0, times[1] as number] });
    expect(lines(other.body).map((l) => l.__time__)).toEqual([
      0,
      Math.floor((times[1] as number) / 1000),
    ]);
    // Each line is exactly JSON.stringify of the log object.
    expect(parsed.body.toString('utf8').split('\n')[1]).toBe(
      JSON.stringify({
        __topic__: SLS_TOPIC,
        __time__: Date.UTC(2021, 7, 5, 0, 29, 59) / 1000,
        event: EVENTS[1],
      }),
    );
  });

  it('writes the same bytes as JSON.stringify of each log for escapes, non-ASCII and long events', async () => {
    // Quotes and backslashes double in the line; control characters become \u escapes (6 bytes
    // for 1); non-ASCII takes up to 3 bytes: the body buffer must grow past its first guess.
    const events = [
      `{"s":"${'\\"'.repeat(2_000)}"}`,
      `{"s":"${'\u0001\u001f'.repeat(3_000)}"}`,
      `{"s":"${'☕é𝄞'.repeat(1_500)}"}`,
      '{"s":"plain"}',
    ];
    const times = events.map((_, i) => BUCKET_START + i * 1000);
    const prepared = await prepareSlsBatch({ ...batch(events), eventTimes: times });
    const expected = events
      .map((event, i) =>
        JSON.stringify({
          __topic__: SLS_TOPIC,
          __time__: Math.floor((times[i] as number) / 1000),
          event,
        }),
      )
      .join('\n');
    expect(prepared.body.toString('utf8')).toBe(`${expected}\n`);
  });

  it('reads fractional or offset times, and falls back to the bucket start without one', () => {
    expect(slsLogTime('{"eventTime":"2021-08-05T00:25:26.900Z"}', 0)).toBe(1628123126);
    expect(slsLogTime('{"eventTime":"2021-08-05T08:25:26+08:00"}', 0)).toBe(1628123126);
    expect(slsLogTime('{"eventId":"x"}', BUCKET_START)).toBe(BUCKET_START / 1000);
    expect(slsLogTime('{"eventTime":"yesterday"}', BUCKET_START)).toBe(BUCKET_START / 1000);
  });

  it('refuses an empty batch', async () => {
    await expect(prepareSlsBatch(batch([]))).rejects.toMatchObject({
      details: { code: 'EmptyBatch', retryable: false },
    });
  });
});
