import { describe, expect, it } from 'vitest';
import { SLS_MAX_LOGS } from '../../sinks/sls/sls-log-group.js';
import { BUCKET_MS, type StoredEvent } from '../event-source.js';
import { type Batching, batchingFor, type EventGroup } from './batching.js';
import { coarseBucketBatching, HISTORY_SPANS } from './coarse-bucket.batching.js';
import { sequenceBatching } from './sequence.batching.js';

const T0 = Date.UTC(2026, 10, 1);
const event = (seq: number, eventTime: number, size = 100): StoredEvent => ({
  seq,
  eventTime,
  json: JSON.stringify({ eventId: `e${seq}`, pad: 'x'.repeat(size) }),
});
const DAY = 86_400_000;
/** What the engine reads again after a crash: sequence range ∩ the batch's bucket. */
const rereadAll = (b: Batching, chunk: StoredEvent[], groups: EventGroup[]) =>
  groups.map((g) => {
    const first = (g.events[0] as StoredEvent).seq;
    const last = (g.events.at(-1) as StoredEvent).seq;
    const { from, to } = b.rereadRange(g.bucketStart, g.bucketMs);
    return chunk
      .filter((e) => e.seq >= first && e.seq <= last && e.eventTime >= from && e.eventTime < to)
      .map((e) => e.seq);
  });
const seqs = (groups: Array<{ events: StoredEvent[] }>) =>
  groups.map((g) => g.events.map((e) => e.seq));

describe('batching per destination kind', () => {
  const sls = {
    kind: 'sls',
    project: 'p',
    logstore: 'l',
    region: 'cn-hangzhou',
    accountId: '1',
  } as const;
  const oss = { kind: 'oss', bucket: 'b', prefix: '' } as const;

  it('OSS live: one batch per 5-minute bucket of eventTime, sequence order kept inside', () => {
    const events = [event(1, T0 + 10), event(2, T0 + BUCKET_MS + 1), event(3, T0 + 20)];
    const live = batchingFor(oss, 'live');
    const groups = live.group(events);
    expect(seqs(groups)).toEqual([[1, 3], [2]]);
    expect(groups.map((g) => [g.bucketStart, g.bucketMs])).toEqual([
      [T0, BUCKET_MS],
      [T0 + BUCKET_MS, BUCKET_MS],
    ]);
    expect(live.rereadRange(T0, BUCKET_MS)).toEqual({ from: T0, to: T0 + BUCKET_MS });
  });

  it('OSS history: a sparse chunk becomes one batch per UTC day', () => {
    const events = [
      event(1, T0 + 3_600_000),
      event(2, T0 + DAY + 5),
      event(3, T0 + 23 * 3_600_000),
      event(4, T0 + 2 * DAY + 1),
    ];
    const groups = batchingFor(oss, 'history').group(events);
    expect(seqs(groups)).toEqual([[1, 3], [2], [4]]);
    expect(groups.map((g) => [g.bucketStart, g.bucketMs])).toEqual([
      [T0, DAY],
      [T0 + DAY, DAY],
      [T0 + 2 * DAY, DAY],
    ]);
  });

  it('OSS history: a day over the cap splits into hours, an hour into 5 minutes, then runs', () => {
    const cap = { maxEvents: 3, maxBytes: 10_000 };
    const b = coarseBucketBatching(cap);
    const HOUR = 3_600_000;
    // Day T0: 2 events at 01:xx (fit an hour), 4 at 05:00–05:04 (5 min: over the cap → runs),
    // 2 at 05:10 (their own 5 minutes). Day T0+1: 1 event.
    const events = [
      event(1, T0 + HOUR + 1),
      event(2, T0 + 5 * HOUR + 1),
      event(3, T0 + 5 * HOUR + 2),
      event(4, T0 + 5 * HOUR + 10 * 60_000),
      event(5, T0 + 5 * HOUR + 3),
      event(6, T0 + HOUR + 2),
      event(7, T0 + DAY),
      event(8, T0 + 5 * HOUR + 4),
      event(9, T0 + 5 * HOUR + 10 * 60_000 + 1),
    ];
    const groups = b.group(events);
    expect(groups.map((g) => [g.bucketStart - T0, g.bucketMs, g.events.map((e) => e.seq)])).toEqual(
      [
        [HOUR, HOUR, [1, 6]],
        [5 * HOUR, BUCKET_MS, [2, 3, 5]],
        [5 * HOUR, BUCKET_MS, [8]],
        [5 * HOUR + 2 * BUCKET_MS, BUCKET_MS, [4, 9]],
        [DAY, DAY, [7]],
      ],
    );
    expect(rereadAll(b, events, groups)).toEqual(seqs(groups));
  });

  it('OSS history: the byte cap splits too', () => {
    const b = coarseBucketBatching({ maxEvents: 100, maxBytes: 500 });
    const events = [event(1, T0, 300), event(2, T0 + 1, 300), event(3, T0 + 2, 10)];
    expect(seqs(b.group(events))).toEqual([[1], [2, 3]]);
  });

  it('OSS history: every batch is selected again by its sequence range and bucket alone', () => {
    // A deterministic pseudo-random chunk: times scattered over 3 days, dense in places.
    let x = 12345;
    const next = () => {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      return x / 2 ** 31;
    };
    const events = Array.from({ length: 3000 }, (_, i) =>
      event(i + 1, T0 + Math.floor(next() < 0.5 ? next() * 3 * DAY : next() * 600_000)),
    );
    // …and a quiet day between them.
    events.splice(1500, 0, event(1500.5, T0 + 5 * DAY + 7), event(1500.7, T0 + 5 * DAY + 9));
    for (const cap of [
      { maxEvents: 50, maxBytes: 1e9 },
      { maxEvents: 1000, maxBytes: 20_000 },
    ]) {
      const b = coarseBucketBatching(cap);
      const groups = b.group(events);
      expect(groups.flatMap((g) => g.events).length).toBe(events.length);
      expect(new Set(groups.map((g) => g.bucketMs))).toEqual(new Set(HISTORY_SPANS));
      for (const g of groups) expect(g.events.length).toBeLessThanOrEqual(cap.maxEvents);
      expect(rereadAll(b, events, groups)).toEqual(seqs(groups));
    }
  });

  it('SLS: runs in sequence order whatever the times, cut at 4,096 logs', () => {
    const events = Array.from({ length: SLS_MAX_LOGS * 2 + 5 }, (_, i) =>
      event(i + 1, T0 + (i % 7) * 86_400_000, 10),
    );
    const groups = batchingFor(sls, 'history').group(events);
    expect(groups.map((g) => g.events.length)).toEqual([SLS_MAX_LOGS, SLS_MAX_LOGS, 5]);
    expect(groups.flatMap((g) => g.events.map((e) => e.seq))).toEqual(events.map((e) => e.seq));
    const range = batchingFor(sls, 'live').rereadRange(groups[0]?.bucketStart ?? 0, BUCKET_MS);
    expect(range.from <= T0 - 1e12 && range.to >= T0 + 1e12).toBe(true);
  });

  it('SLS: cut before the raw size cap; an oversized event goes alone', () => {
    const b = sequenceBatching({ maxLogs: 100, maxBytes: 1000 });
    const events = [
      event(1, T0, 300),
      event(2, T0, 300),
      event(3, T0, 300),
      event(4, T0, 2000),
      event(5, T0, 10),
    ];
    expect(seqs(b.group(events))).toEqual([[1, 2], [3], [4], [5]]);
  });
});
