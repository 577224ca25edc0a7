import { randomBytes, randomInt, randomUUID } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomAlnum(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALNUM[randomInt(ALNUM.length)];
  return out;
}

/** Alibaba request ids are upper-case UUIDs. */
export function newRequestId(): string {
  return randomUUID().toUpperCase();
}

/**
 * An upper-case UUID whose first 48 bits are `timeMs` (UUIDv7 layout, RFC 9562), so ids made
 * one after the other sort together. Self-audit events use it ([G]): the event store's unique
 * (account, eventId) index then takes each group commit's new ids on one B-tree page instead
 * of one random page per event. The rest is randomUUID's (pooled entropy, cheap).
 */
export function newTimeOrderedId(timeMs: number): string {
  const random = randomUUID();
  const t = Math.max(0, Math.floor(timeMs)).toString(16).padStart(12, '0').slice(-12);
  // random: xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx; keep its variant and 74 random bits.
  return `${t.slice(0, 8)}-${t.slice(8)}-7${random.slice(15)}`.toUpperCase();
}

/** Alibaba Cloud account ids are 16 digits and never start with 0. */
export function newAccountId(): string {
  let out = String(1 + randomInt(9));
  for (let i = 0; i < 15; i++) out += String(randomInt(10));
  return out;
}

/** Long-term AccessKey ids look like Alibaba's: `LTAI` + 20 characters. */
export function newLongTermKeyId(): string {
  return `LTAI${randomAlnum(20)}`;
}

/** Temporary (STS) AccessKey ids start with `STS.` as Alibaba's do. */
export function newStsKeyId(): string {
  return `STS.${randomAlnum(25)}`;
}

export function newAccessKeySecret(): string {
  return randomAlnum(30);
}

/** Random part of a security token; the token itself is built in domain/accounts. */
export function newTokenNonce(): string {
  return randomBytes(24).toString('base64url');
}
