import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openTestDatabase, TEST_DB } from '../../../test/helpers/test-database.js';
import type { DatabaseHandle } from '../../db/open-database.js';
import {
  type AccessKeyRow,
  insertAccessKey,
  setAccessKeyStatus,
  updatePresetKey,
} from '../../db/repositories/access-keys.repository.js';
import { insertAccount } from '../../db/repositories/accounts.repository.js';
import { AccessKeyCache } from './access-key-cache.js';

const KEY: AccessKeyRow = {
  id: 'LTAIcachetest',
  account_id: '1234567890123456',
  secret: 'first-secret',
  kind: 'long_term',
  security_token: null,
  expires_at: null,
  status: 'Active',
  is_admin: 0,
  description: null,
  created_at: 1,
};

/**
 * SQLite reads the generation once per event-loop turn (access-key-generation.ts), so the check
 * runs in the next turn, as a request that arrives after the change would; PostgreSQL learns of
 * a change by NOTIFY, i.e. shortly after the commit.
 */
const settle = async (check: () => Promise<void>) => {
  if (TEST_DB === 'postgres') return vi.waitFor(check, { timeout: 5_000, interval: 20 });
  await new Promise((resolve) => setImmediate(resolve));
  return check();
};

describe('AccessKeyCache', () => {
  let h: DatabaseHandle;
  beforeEach(async () => {
    h = await openTestDatabase();
    await insertAccount(h.db, { id: KEY.account_id, created_at: 1 });
    await insertAccessKey(h.db, KEY);
  });
  afterEach(() => h.close());

  it("the database's key generation moves on every insert, update and delete of a key", async () => {
    const known = async () => {
      await vi.waitFor(() => expect(h.accessKeyGeneration()).toBeTypeOf('number'));
      return h.accessKeyGeneration() as number;
    };
    const g0 = await known();
    await setAccessKeyStatus(h.db, KEY.id, 'Inactive');
    await settle(async () => expect(h.accessKeyGeneration()).not.toBe(g0));
    const g1 = await known();
    await insertAccessKey(h.db, { ...KEY, id: 'LTAIother' });
    await settle(async () => expect(h.accessKeyGeneration()).not.toBe(g1));
    const g2 = await known();
    await h.db.deleteFrom('access_keys').where('id', '=', 'LTAIother').execute();
    await settle(async () => expect(h.accessKeyGeneration()).not.toBe(g2));
  });

  it('serves a key from memory while the generation stands, and re-reads it when it moves', async () => {
    let generation = 1;
    const cache = new AccessKeyCache(h.db, { generation: () => generation });
    expect((await cache.find(KEY.id))?.status).toBe('Active');
    await setAccessKeyStatus(h.db, KEY.id, 'Inactive');
    // Nothing announced the change (a fake generation): the cached row is still served.
    expect((await cache.find(KEY.id))?.status).toBe('Active');
    generation = 2;
    expect((await cache.find(KEY.id))?.status).toBe('Inactive');
  });

  it('reads the database every time while the generation is unknown', async () => {
    const cache = new AccessKeyCache(h.db, { generation: () => undefined });
    expect((await cache.find(KEY.id))?.status).toBe('Active');
    await setAccessKeyStatus(h.db, KEY.id, 'Inactive');
    expect((await cache.find(KEY.id))?.status).toBe('Inactive');
  });

  it('does not cache unknown ids, and lets an entry live only for its TTL', async () => {
    let now = 0;
    const cache = new AccessKeyCache(h.db, { generation: () => 1, ttlMs: 1_000, now: () => now });
    expect(await cache.find('LTAIlater')).toBeUndefined();
    await insertAccessKey(h.db, { ...KEY, id: 'LTAIlater' });
    expect((await cache.find('LTAIlater'))?.id).toBe('LTAIlater');
    await updatePresetKey(h.db, KEY.id, { ...KEY, secret: 'second-secret' });
    expect((await cache.find(KEY.id))?.secret).toBe('second-secret');
    await updatePresetKey(h.db, KEY.id, { ...KEY, secret: 'third-secret' });
    now = 999;
    expect((await cache.find(KEY.id))?.secret).toBe('second-secret');
    now = 1_001;
    expect((await cache.find(KEY.id))?.secret).toBe('third-secret');
  });

  it('does not keep a row that was read before a change another lookup already saw', async () => {
    let generation = 1;
    const pending: Array<(row: AccessKeyRow) => void> = [];
    let loads = 0;
    const cache = new AccessKeyCache(
      () => {
        loads += 1;
        return new Promise<AccessKeyRow>((resolve) => pending.push(resolve));
      },
      { generation: () => generation },
    );
    const early = cache.find(KEY.id); // reads the row as it was
    generation = 2; // the key is disabled meanwhile
    const late = cache.find(KEY.id); // starts after the change: reads the new row
    pending[1]?.({ ...KEY, status: 'Inactive' });
    expect((await late)?.status).toBe('Inactive');
    pending[0]?.(KEY);
    expect((await early)?.status).toBe('Active'); // its request began before the change
    expect((await cache.find(KEY.id))?.status).toBe('Inactive');
    expect(loads).toBe(2); // served from the cache, and not the early, stale row
  });

  it("with the database's own generation, a disabled or rotated key is seen (at once on SQLite)", async () => {
    const cache = new AccessKeyCache(h.db, {
      generation: () => h.accessKeyGeneration(),
      ttlMs: 3_600_000, // only the generation can make the changes below visible
    });
    await vi.waitFor(() => expect(h.accessKeyGeneration()).toBeTypeOf('number'));
    expect((await cache.find(KEY.id))?.status).toBe('Active');
    expect((await cache.find(KEY.id))?.status).toBe('Active');
    await setAccessKeyStatus(h.db, KEY.id, 'Inactive');
    await settle(async () => expect((await cache.find(KEY.id))?.status).toBe('Inactive'));
    await updatePresetKey(h.db, KEY.id, { ...KEY, secret: 'rotated' });
    await settle(async () => expect((await cache.find(KEY.id))?.secret).toBe('rotated'));
    await h.db.deleteFrom('access_keys').where('id', '=', KEY.id).execute();
    await settle(async () => expect(await cache.find(KEY.id)).toBeUndefined());
  });
});
