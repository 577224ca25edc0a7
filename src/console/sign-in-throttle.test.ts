import { describe, expect, it } from 'vitest';
import { ManualClock } from '../lib/clock.js';
import { MAX_FAILURES, SignInThrottle, WINDOW_MS } from './sign-in-throttle.js';

describe('SignInThrottle', () => {
  it('refuses an address after MAX_FAILURES failures until the window ends; others are unaffected', () => {
    const clock = new ManualClock(0);
    const throttle = new SignInThrottle(clock);
    for (let i = 0; i < MAX_FAILURES; i++) {
      expect(() => throttle.check('192.0.2.1')).not.toThrow();
      throttle.failed('192.0.2.1');
    }
    expect(() => throttle.check('192.0.2.1')).toThrow(/Too many failed sign-ins.*900 s/);
    expect(() => throttle.check('192.0.2.2')).not.toThrow();
    clock.set(WINDOW_MS);
    expect(() => throttle.check('192.0.2.1')).not.toThrow();
  });

  it('a successful sign-in clears the count', () => {
    const throttle = new SignInThrottle(new ManualClock(0));
    for (let i = 0; i < MAX_FAILURES - 1; i++) throttle.failed('192.0.2.1');
    throttle.succeeded('192.0.2.1');
    throttle.failed('192.0.2.1');
    expect(() => throttle.check('192.0.2.1')).not.toThrow();
  });
});
