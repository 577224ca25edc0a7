import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../../test/helpers/test-database.js';
import type { DatabaseHandle } from '../open-database.js';
import { purgeNonces, rememberNonce } from './nonces.repository.js';

describe('nonces repository', () => {
  let h: DatabaseHandle;
  beforeEach(async () => {
    h = await openTestDatabase();
  });
  afterEach(() => h.close());

  it('accepts a nonce once per key within the window', async () => {
    expect(await rememberNonce(h.db, 'k1', 'n', 1000, 0)).toBe(true);
    expect(await rememberNonce(h.db, 'k1', 'n', 2000, 0)).toBe(false);
    expect(await rememberNonce(h.db, 'k2', 'n', 2000, 0)).toBe(true);
    // Outside the window (the earlier sighting is older than windowStart) it is fresh again.
    expect(await rememberNonce(h.db, 'k1', 'n', 10_000, 5000)).toBe(true);
    expect(await rememberNonce(h.db, 'k1', 'n', 10_001, 5000)).toBe(false);
  });

  it('purges only nonces older than the cut, in bounded batches', async () => {
    for (let i = 0; i < 10; i++) await rememberNonce(h.db, 'k', `n${i}`, i * 100, 0);
    expect(await purgeNonces(h.db, 500, 3)).toBe(3);
    expect(await purgeNonces(h.db, 500, 100)).toBe(2);
    expect(await purgeNonces(h.db, 500, 100)).toBe(0);
    // n5..n9 are still remembered.
    expect(await rememberNonce(h.db, 'k', 'n5', 1000, 0)).toBe(false);
    expect(await rememberNonce(h.db, 'k', 'n4', 1000, 0)).toBe(true);
  });
});
