import { ApiError } from '../errors/api-error.js';
import type { Clock } from '../lib/clock.js';

/** Failed sign-ins one address may make per window before it is refused until the window ends. */
export const MAX_FAILURES = 10;
export const WINDOW_MS = 15 * 60_000;
/** Bounds memory under a spray of addresses; the oldest entries go first. */
const MAX_ADDRESSES = 10_000;

/**
 * Slows down guessing secrets through the sign-in form: after MAX_FAILURES failed sign-ins from
 * one address within WINDOW_MS, that address is refused (429 Throttling.SignIn) until the window
 * ends, whatever it sends. In memory, per process, like the sessions.
 */
export class SignInThrottle {
  private readonly failures = new Map<string, { count: number; until: number }>();

  constructor(private readonly clock: Clock) {}

  /** Throws when `address` has used up its failures. */
  check(address: string): void {
    const entry = this.failures.get(address);
    if (!entry) return;
    if (entry.until <= this.clock.now()) {
      this.failures.delete(address);
      return;
    }
    if (entry.count >= MAX_FAILURES) {
      const seconds = Math.ceil((entry.until - this.clock.now()) / 1000);
      throw new ApiError(
        'Throttling.SignIn',
        `Too many failed sign-ins from this address; try again in ${seconds} s.`,
      );
    }
  }

  failed(address: string): void {
    const now = this.clock.now();
    const entry = this.failures.get(address);
    if (entry && entry.until > now) {
      entry.count += 1;
      return;
    }
    if (this.failures.size >= MAX_ADDRESSES) {
      const oldest = this.failures.keys().next().value;
      if (oldest !== undefined) this.failures.delete(oldest);
    }
    this.failures.set(address, { count: 1, until: now + WINDOW_MS });
  }

  succeeded(address: string): void {
    this.failures.delete(address);
  }
}
