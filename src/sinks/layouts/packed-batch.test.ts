import { describe, expect, it } from 'vitest';
import { releaseShared } from '../../lib/shared-memory-pool.js';
import { packBatch, unpackBatch } from './packed-batch.js';

const EVENTS = ['{"a":"plain"}', `{"s":"${'☕é𝄞'.repeat(2_000)}"}`, '{"q":"\\"x\\""}', '{}'];
const TIMES = [1_000, 2_000, 3_000, 4_000];

describe('packed SLS-layout batches (shared memory for the body thread)', () => {
  it('unpacks to the same events and times, even when multi-byte text outgrows the estimate', () => {
    const packed = packBatch({ events: EVENTS, fallbackMs: 7, timesMs: TIMES });
    expect(packed).toBeDefined();
    expect(unpackBatch(packed!)).toEqual({ events: EVENTS, fallbackMs: 7, timesMs: TIMES });
  });

  it('reuses released memory without leaking the previous batch into the next', () => {
    const first = packBatch({ events: EVENTS, fallbackMs: 0, timesMs: TIMES })!;
    releaseShared(first.memory);
    const second = packBatch({ events: ['{"b":1}'], fallbackMs: 0, timesMs: [5_000] })!;
    expect(second.memory).toBe(first.memory);
    expect(unpackBatch(second).events).toEqual(['{"b":1}']);
    releaseShared(second.memory);
    releaseShared(first.output);
    releaseShared(second.output);
  });

  it('leaves batches without times or with a lone surrogate to the main thread', () => {
    expect(packBatch({ events: EVENTS, fallbackMs: 0 })).toBeUndefined();
    expect(packBatch({ events: ['{"s":"\ud800"}'], fallbackMs: 0, timesMs: [0] })).toBeUndefined();
  });
});
