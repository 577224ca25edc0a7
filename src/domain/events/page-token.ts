import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { EventCondition } from '../../db/repositories/event-lookup.repository.js';
import { getOrCreateSecret } from '../../db/repositories/server-secrets.repository.js';
import type { Database } from '../../db/schema.js';

/**
 * LookupEvents NextToken: opaque to clients, tamper-proof (HMAC-SHA256 with a server secret
 * kept in the database, so every node accepts every node's tokens), bound to the account and
 * to the parameters of the first call (actiontrail-api.md §4.1: "other params must be
 * identical"). It carries the keyset position and the searched range, so a caller that
 * relies on the default range (last 7 days) keeps the same range on every page.
 */
export interface PageToken {
  accountId: string;
  /** lookupFingerprint() of the call that produced the token. */
  fingerprint: string;
  rangeStart: number;
  rangeEnd: number;
  /** The last event of the page: keyset cursor. */
  time: number;
  seq: number;
}

const SECRET_NAME = 'lookup-events-page-token';
const MAC_BYTES = 16;
const secrets = new WeakMap<Kysely<Database>, Promise<Buffer>>();

/** The token key: created on first use, then cached per database handle. */
export function pageTokenSecret(db: Kysely<Database>, now: number): Promise<Buffer> {
  let secret = secrets.get(db);
  if (!secret) {
    secret = getOrCreateSecret(db, SECRET_NAME, () => randomBytes(32).toString('base64'), now).then(
      (value) => Buffer.from(value, 'base64'),
    );
    secret.catch(() => secrets.delete(db)); // retry on the next call rather than cache a failure
    secrets.set(db, secret);
  }
  return secret;
}

/**
 * What must not change between pages: the effective conditions, the times as sent (absent
 * stays absent) and the direction. MaxResults may change from page to page.
 */
export function lookupFingerprint(input: {
  conditions: readonly EventCondition[];
  startTime: string | undefined;
  endTime: string | undefined;
  direction: string;
}): string {
  const canonical = JSON.stringify([
    input.conditions.map((c) => [c.key, c.value]),
    input.startTime ?? null,
    input.endTime ?? null,
    input.direction,
  ]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 22);
}

function mac(secret: Buffer, body: string): Buffer {
  return createHmac('sha256', secret).update(body).digest().subarray(0, MAC_BYTES);
}

export function signPageToken(secret: Buffer, token: PageToken): string {
  const body = Buffer.from(
    JSON.stringify([
      1,
      token.accountId,
      token.fingerprint,
      token.rangeStart,
      token.rangeEnd,
      token.time,
      token.seq,
    ]),
  ).toString('base64url');
  return `${body}.${mac(secret, body).toString('base64url')}`;
}

/** The token's content, or undefined when it is malformed or was not signed by us. */
export function readPageToken(secret: Buffer, raw: string): PageToken | undefined {
  const dot = raw.indexOf('.');
  if (dot <= 0 || raw.length > 1024) return undefined;
  const body = raw.slice(0, dot);
  const given = Buffer.from(raw.slice(dot + 1), 'base64url');
  const expected = mac(secret, body);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 7 || parsed[0] !== 1) return undefined;
  const [, accountId, fingerprint, rangeStart, rangeEnd, time, seq] = parsed as unknown[];
  const numbers = [rangeStart, rangeEnd, time, seq];
  if (typeof accountId !== 'string' || typeof fingerprint !== 'string') return undefined;
  if (!numbers.every((n) => Number.isSafeInteger(n))) return undefined;
  return {
    accountId,
    fingerprint,
    rangeStart: rangeStart as number,
    rangeEnd: rangeEnd as number,
    time: time as number,
    seq: seq as number,
  };
}
