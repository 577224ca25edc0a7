import { describe, expect, it } from 'vitest';
import { SLS_MAX_LOGS } from '../../sinks/sls/sls-log-group.js';
import { BUCKET_MS, type StoredEvent } from '../event-source.js';
import { batchingFor } from './batching.js';
import { sequenceBatching } from './sequence.batching.js';

const T0 = Date.UTC(2026, 10, 1);
const event = (seq: number, eventTime: number, size = 100): StoredEvent => ({
  seq,
  eventTime,
  json: JSON.stringify({ eventId: `e${seq}`, pad: 'x'.repeat(size) }),
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

  it('OSS: one batch per 5-minute bucket of eventTime, sequence order kept inside', () => {
    const events = [event(1, T0 + 10), event(2, T0 + BUCKET_MS + 1), event(3, T0 + 20)];
    const groups = batchingFor(oss).group(events);
    expect(seqs(groups)).toEqual([[1, 3], [2]]);
    expect(groups.map((g) => g.bucketStart)).toEqual([T0, T0 + BUCKET_MS]);
    expect(batchingFor(oss).rereadRange(T0)).toEqual({ from: T0, to: T0 + BUCKET_MS });
  });

  it('SLS: runs in sequence order whatever the times, cut at 4,096 logs', () => {
    const events = Array.from({ length: SLS_MAX_LOGS * 2 + 5 }, (_, i) =>
      event(i + 1, T0 + (i % 7) * 86_400_000, 10),
    );
    const groups = batchingFor(sls).group(events);
    expect(groups.map((g) => g.events.length)).toEqual([SLS_MAX_LOGS, SLS_MAX_LOGS, 5]);
    expect(groups.flatMap((g) => g.events.map((e) => e.seq))).toEqual(events.map((e) => e.seq));
    const range = batchingFor(sls).rereadRange(groups[0]?.bucketStart ?? 0);
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
