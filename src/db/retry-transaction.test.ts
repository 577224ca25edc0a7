import { describe, expect, it } from 'vitest';
import { retryTransaction } from './retry-transaction.js';

function pgError(code: string): Error {
  return Object.assign(new Error(`pg ${code}`), { code });
}

describe('retryTransaction', () => {
  it('runs a transaction again after a deadlock or a serialisation failure', async () => {
    const failures = [pgError('40P01'), pgError('40001')];
    let runs = 0;
    const value = await retryTransaction(async () => {
      runs++;
      const next = failures.shift();
      if (next) throw next;
      return 'stored';
    });
    expect([value, runs]).toEqual(['stored', 3]);
  });

  it('passes other errors through at once and gives up after the last attempt', async () => {
    let runs = 0;
    await expect(
      retryTransaction(async () => {
        runs++;
        throw pgError('23505');
      }),
    ).rejects.toThrow('pg 23505');
    expect(runs).toBe(1);
    runs = 0;
    await expect(
      retryTransaction(async () => {
        runs++;
        throw pgError('40P01');
      }, 3),
    ).rejects.toThrow('pg 40P01');
    expect(runs).toBe(3);
  });
});
