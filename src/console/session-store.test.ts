import { describe, expect, it } from 'vitest';
import { ManualClock } from '../lib/clock.js';
import { SessionStore, sameToken } from './session-store.js';

const caller = {
  accountId: '1',
  accessKeyId: 'LTAIx',
  keyKind: 'long_term',
  admin: false,
} as const;

describe('SessionStore', () => {
  it('a session lives until its TTL, or the key limit when sooner; then reads as none and is dropped', () => {
    const clock = new ManualClock(1_000);
    const store = new SessionStore(clock, 60_000);
    const a = store.create(caller);
    const b = store.create(caller, 31_000);
    expect(a.session.expiresAt).toBe(61_000);
    expect(b.session.expiresAt).toBe(31_000);
    clock.set(31_000);
    expect(store.get(b.id)).toBeUndefined();
    expect(store.get(a.id)?.caller).toEqual(caller);
    clock.set(61_000);
    expect(store.get(a.id)).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('ids and CSRF tokens are random and distinct; an unknown or empty id is no session', () => {
    const store = new SessionStore(new ManualClock(0), 1000);
    const a = store.create(caller);
    const b = store.create(caller);
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.id).not.toBe(b.id);
    expect(a.session.csrfToken).not.toBe(b.session.csrfToken);
    expect(store.get(undefined)).toBeUndefined();
    expect(store.get('')).toBeUndefined();
    expect(store.get(`${a.id}x`)).toBeUndefined();
    store.delete(a.id);
    expect(store.get(a.id)).toBeUndefined();
    expect(store.get(b.id)).toBeDefined();
  });

  it('sameToken compares whole tokens', () => {
    expect(sameToken('abc', 'abc')).toBe(true);
    expect(sameToken('abc', 'abd')).toBe(false);
    expect(sameToken('abc', 'abcd')).toBe(false);
    expect(sameToken('', 'a')).toBe(false);
  });
});
