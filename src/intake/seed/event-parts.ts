import { HOUR_MS } from '../../lib/time.js';
import { USER_AGENTS } from './identity-catalog.js';
import type { Rng } from './prng.js';
import type { Account, Actor, Service } from './seed-world.js';

// Pieces shared by every kind of seeded event.

/** Console calls show the console's host as agent (ActionTrail sample: UpdateTrail by root). */
export function consoleAgent(service: Service, rng: Rng): string {
  return rng.chance(0.7) ? service.consoleAgent : rng.pick(USER_AGENTS.console);
}

/** userIdentity as in actiontrail-api §4.3; console sessions carry no AccessKey. */
export function identity(
  account: Account,
  actor: Actor,
  rng: Rng,
  clock: TimeFormatter,
  withKey: boolean,
  mfa = false,
): Record<string, unknown> {
  const t = actor.template;
  const session = t.sessions ? rng.pick(t.sessions) : undefined;
  const id: Record<string, unknown> = {
    type: t.type,
    principalId: session ? `${actor.principalId}:${session}` : actor.principalId,
    accountId: account.id,
  };
  if (withKey) id.accessKeyId = rng.pick(actor.accessKeyIds);
  id.userName = session ? `${t.name}:${session}` : t.name;
  if (session || !withKey) {
    id.sessionContext = {
      attributes: { mfaAuthenticated: mfa ? 'true' : 'false', creationDate: clock.hourText },
    };
  }
  return id;
}

/** Formats eventTime once per second and session creation times once per hour. */
export class TimeFormatter {
  text = '';
  hourText = '';
  private second = Number.NaN;
  private hour = Number.NaN;

  set(ms: number): void {
    const second = Math.floor(ms / 1000);
    if (second === this.second) return;
    this.second = second;
    this.text = `${new Date(second * 1000).toISOString().slice(0, 19)}Z`;
    const hour = Math.floor(ms / HOUR_MS);
    if (hour !== this.hour) {
      this.hour = hour;
      this.hourText = `${new Date(hour * HOUR_MS).toISOString().slice(0, 19)}Z`;
    }
  }
}
