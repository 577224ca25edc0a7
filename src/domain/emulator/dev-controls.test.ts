import { describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../db/open-database.js';
import { ManualClock } from '../../lib/clock.js';
import { DevControls } from './dev-controls.js';

/** The in-memory rules of the hooks; the database side is tested through the hooks. */
function controls() {
  return new DevControls({
    handle: {} as DatabaseHandle,
    baseClock: new ManualClock(1_000_000),
    presets: {},
    rateLimits: false,
    lookupEventsPerSecond: 20,
  });
}
const history = (id: number) => ({ id, kind: 'history' });

describe('DevControls', () => {
  it('an injected fault refuses exactly the next N calls of its Action', () => {
    const dev = controls();
    dev.injectFault('DescribeTrails', 'ServiceUnavailable', 2, 1000);
    const codes = Array.from({ length: 3 }, () => {
      try {
        dev.beforeAction('k', 'DescribeTrails');
        return 'OK';
      } catch (e) {
        return `${(e as { status: number }).status} ${(e as { code: string }).code}`;
      }
    });
    expect(codes).toEqual(['503 ServiceUnavailable', '503 ServiceUnavailable', 'OK']);
    expect(() => dev.beforeAction('k', 'GetTrailStatus')).not.toThrow();
    dev.injectFault('LookupEvents', 'Throttling.User', 1, 2500);
    expect(() => dev.beforeAction('k', 'LookupEvents')).toThrow(
      expect.objectContaining({ status: 400, code: 'Throttling.User', retryAfterMs: 2500 }),
    );
  });

  it('rate limits apply only once switched on', () => {
    const dev = controls();
    for (let i = 0; i < 20; i++) dev.beforeAction('k', 'CreateTrail');
    expect(dev.setRateLimits(true)).toMatchObject({ CreateTrail: 5, LookupEvents: 20 });
    for (let i = 0; i < 5; i++) dev.beforeAction('k', 'CreateTrail');
    expect(() => dev.beforeAction('k', 'CreateTrail')).toThrow(
      expect.objectContaining({ code: 'Throttling.User', retryAfterMs: 1000 }),
    );
  });

  it('a hold on all jobs keeps history jobs queued; a released job is free again', async () => {
    const dev = controls();
    expect(dev.heldAtQueued()).toEqual({ all: false, ids: new Set() });
    await dev.hold(0, undefined);
    expect(dev.heldAtQueued()).toEqual({ all: true, except: new Set() });
    expect(dev.heldAtRunning(history(7))).toBe(true);
    expect(dev.heldAtRunning({ id: 8, kind: 'live' })).toBe(false); // live delivery never held
    dev.release(7);
    expect(dev.heldAtQueued()).toEqual({ all: true, except: new Set([7]) });
    expect(dev.heldAtRunning(history(7))).toBe(false);
    dev.release(undefined);
    expect(dev.heldAtQueued()).toEqual({ all: false, ids: new Set() });
    expect(dev.heldAtRunning(history(9))).toBe(false);
  });

  it('forced failures match a job (or all) and a region (or all); the clock shifts', async () => {
    const dev = controls();
    await dev.forceFailure(undefined, { code: 'Denied', message: 'no', region: 'cn-shanghai' });
    expect(dev.forcedFailure(history(1), 'cn-hangzhou')).toBeUndefined();
    expect(dev.forcedFailure(history(1), 'cn-shanghai')).toEqual({ code: 'Denied', message: 'no' });
    expect(dev.forcedFailure({ id: 1, kind: 'live' }, 'cn-shanghai')).toBeUndefined();
    dev.clearFailures();
    expect(dev.forcedFailure(history(1), 'cn-shanghai')).toBeUndefined();
    expect(dev.setClockOffset(-60_000)).toBe(940_000);
    expect(dev.clock.now()).toBe(940_000);
  });
});
