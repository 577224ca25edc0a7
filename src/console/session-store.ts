import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Caller } from '../api/actions/action.js';
import type { Clock } from '../lib/clock.js';

/** One signed-in browser. Holds no secret: the key's secret is checked once, at sign-in. */
export interface ConsoleSession {
  readonly caller: Caller;
  /** Sent back by the page in `x-csrf-token` on every state-changing or data request. */
  readonly csrfToken: string;
  readonly createdAt: number;
  readonly expiresAt: number;
}

/** Bounds memory if something signs in in a loop; the oldest sessions go first. */
const MAX_SESSIONS = 10_000;

/**
 * Console sessions in this process's memory. The cookie carries a random 256-bit id; the map is
 * keyed by its SHA-256, so a heap dump does not hand out live cookies. Limitation (documented in
 * docs/console.md): a restart signs everyone out, and several nodes behind one address need
 * sticky routing, since a session exists only on the node that created it.
 */
export class SessionStore {
  private readonly sessions = new Map<string, ConsoleSession>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  /** A new session; returns the cookie value (only ever given to the browser). */
  create(caller: Caller, limitMs?: number): { id: string; session: ConsoleSession } {
    this.sweep();
    while (this.sessions.size >= MAX_SESSIONS) {
      const oldest = this.sessions.keys().next().value;
      if (oldest === undefined) break;
      this.sessions.delete(oldest);
    }
    const now = this.clock.now();
    const id = randomBytes(32).toString('base64url');
    const expiresAt = Math.min(now + this.ttlMs, limitMs ?? Number.POSITIVE_INFINITY);
    const session: ConsoleSession = {
      caller,
      csrfToken: randomBytes(32).toString('base64url'),
      createdAt: now,
      expiresAt,
    };
    this.sessions.set(digest(id), session);
    return { id, session };
  }

  /** The live session of a cookie value; an expired one is dropped and reads as none. */
  get(id: string | undefined): ConsoleSession | undefined {
    if (!id) return undefined;
    const key = digest(id);
    const session = this.sessions.get(key);
    if (!session) return undefined;
    if (session.expiresAt <= this.clock.now()) {
      this.sessions.delete(key);
      return undefined;
    }
    return session;
  }

  delete(id: string | undefined): void {
    if (id) this.sessions.delete(digest(id));
  }

  get size(): number {
    return this.sessions.size;
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const [key, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(key);
  }
}

function digest(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}

/** Constant-time comparison of two tokens of any length. */
export function sameToken(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y) && a.length === b.length;
}
