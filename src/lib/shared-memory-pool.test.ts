import { describe, expect, it } from 'vitest';
import { releaseShared, takeShared } from './shared-memory-pool.js';

const MIB = 1024 * 1024;

describe('shared memory pool', () => {
  it('rounds new memory up to whole MiB (at least 4) so asks of one kind reuse each other', () => {
    const chunk = takeShared(5_464_679);
    expect(chunk.byteLength).toBe(6 * MIB);
    expect(takeShared(1_000).byteLength).toBe(4 * MIB);
    releaseShared(chunk);
    // A slightly larger chunk of the next job fits the one given back.
    expect(takeShared(5_761_856)).toBe(chunk);
  });

  it('hands out the smallest kept memory that fits, keeping the larger for larger asks', () => {
    const small = takeShared(3 * MIB);
    const large = takeShared(7 * MIB);
    releaseShared(large);
    releaseShared(small);
    releaseShared(small); // twice: kept once
    expect(takeShared(2 * MIB)).toBe(small);
    expect(takeShared(6 * MIB)).toBe(large);
    expect(takeShared(2 * MIB)).not.toBe(small);
  });
});
