import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../../test/helpers/test-database.js';
import {
  lookupFingerprint,
  type PageToken,
  pageTokenSecret,
  readPageToken,
  signPageToken,
} from './page-token.js';

const token: PageToken = {
  accountId: '1000000000000001',
  fingerprint: 'abc',
  rangeStart: 1_700_000_000_000,
  rangeEnd: 1_700_600_000_000,
  time: 1_700_300_000_000,
  seq: 42,
};

describe('LookupEvents page token', () => {
  const secret = randomBytes(32);

  it('round-trips what it carries', () => {
    expect(readPageToken(secret, signPageToken(secret, token))).toEqual(token);
  });

  it('rejects a token signed with another key, altered, or not a token at all', () => {
    const raw = signPageToken(secret, token);
    expect(readPageToken(randomBytes(32), raw)).toBeUndefined();
    const [body, mac] = raw.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify([1, token.accountId, 'abc', 0, 1, 2, 3])).toString(
      'base64url',
    );
    expect(readPageToken(secret, `${forged}.${mac}`)).toBeUndefined();
    expect(readPageToken(secret, `${body}.`)).toBeUndefined();
    expect(readPageToken(secret, 'garbage')).toBeUndefined();
    expect(readPageToken(secret, '')).toBeUndefined();
  });

  it('fingerprints conditions, times as sent and direction, but not MaxResults', () => {
    const base = {
      conditions: [{ key: 'EventRW' as const, value: 'Write' }],
      startTime: undefined,
      endTime: undefined,
      direction: 'BACKWARD',
    };
    const f = lookupFingerprint(base);
    expect(lookupFingerprint({ ...base })).toBe(f);
    expect(lookupFingerprint({ ...base, direction: 'FORWARD' })).not.toBe(f);
    expect(lookupFingerprint({ ...base, conditions: [] })).not.toBe(f);
    expect(lookupFingerprint({ ...base, startTime: '2026-01-01T00:00:00Z' })).not.toBe(f);
  });

  it('keeps its key in the database, so another process accepts the same tokens', async () => {
    const handle = await openTestDatabase();
    try {
      const key = await pageTokenSecret(handle.db, 0);
      const row = await handle.db
        .selectFrom('server_secrets')
        .select('value')
        .executeTakeFirstOrThrow();
      expect(Buffer.from(row.value, 'base64').equals(key)).toBe(true);
      expect(key.length).toBe(32);
    } finally {
      await handle.close();
    }
  });
});
