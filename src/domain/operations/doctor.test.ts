import { describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../../test/helpers/test-database.js';
import type { Sink } from '../../sinks/sink.js';
import { runDoctor } from './doctor.js';

const sink = (fail?: string): Sink => ({
  kind: 'file',
  prepare: () => Promise.reject(new Error('unused')),
  deliver: () => Promise.reject(new Error('unused')),
  healthCheck: async () => {
    if (fail) throw new Error(fail);
    return '/srv/delivery is writable';
  },
});

describe('doctor', () => {
  it('passes a healthy node and names what it checked', async () => {
    const results = await runDoctor({
      open: openTestDatabase,
      sink: sink(),
      now: () => Date.now(),
      leaseMs: 30_000,
    });
    expect(results.map((r) => [r.check, r.status])).toEqual([
      ['database', 'ok'],
      ['schema', 'ok'],
      ['clock', 'ok'],
      ['delivery-root', 'ok'],
    ]);
  });

  it('warns about a clock a few seconds off and fails one off by a third of a lease', async () => {
    const skewed = (ms: number) =>
      runDoctor({
        open: openTestDatabase,
        sink: sink(),
        now: () => Date.now() + ms,
        leaseMs: 30_000,
      });
    const warn = (await skewed(3_000)).find((r) => r.check === 'clock');
    expect(warn?.status).toBe('warn');
    const ms = Number(/this node is (\d+) ms ahead of the database/.exec(warn?.detail ?? '')?.[1]);
    expect(Math.abs(ms - 3000)).toBeLessThan(200);
    const fail = (await skewed(-12_000)).find((r) => r.check === 'clock');
    expect(fail?.status).toBe('fail');
    expect(fail?.detail).toMatch(/behind the database/);
  });

  it('reports an unreachable database and an unwritable delivery root, and skips the rest', async () => {
    const results = await runDoctor({
      open: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')),
      sink: sink('EACCES: permission denied'),
      now: () => Date.now(),
      leaseMs: 30_000,
    });
    expect(results).toEqual([
      { check: 'database', status: 'fail', detail: 'connect ECONNREFUSED 127.0.0.1:5432' },
      { check: 'delivery-root', status: 'fail', detail: 'EACCES: permission denied' },
    ]);
  });
});
