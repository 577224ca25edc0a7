import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildV1Request } from '../../src/api/signature/index.js';
import type { DatabaseHandle } from '../../src/db/open-database.js';
import { updatePresetKey } from '../../src/db/repositories/access-keys.repository.js';
import { type NewAccessKey, setKeyEnabled } from '../../src/domain/accounts/access-keys.js';
import { type RawResponse, send } from '../helpers/raw-requests.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { openDatabaseOf, TEST_DB } from '../helpers/test-database.js';

/**
 * The gateway caches access keys ([G], access-key-cache.ts). A key changed elsewhere — here
 * through a second connection to the same database, as the `keys` CLI or another PostgreSQL
 * node does it — must be refused or accepted as the database now says: on SQLite by the very
 * next request (the next turn of its event loop), on PostgreSQL once the NOTIFY arrived. The cache's TTL is an hour here, so
 * only the announcement can make these tests pass.
 */
const NOTIFY_WAIT_MS = TEST_DB === 'postgres' ? 5_000 : 0;

describe('access keys changed outside the serving process', () => {
  let t: TestApp;
  let other: DatabaseHandle;
  let key: NewAccessKey;

  beforeAll(async () => {
    t = await startTestApp({ keyCacheTtlMs: 3_600_000 });
    other = await openDatabaseOf(t.services.config.dataDir);
    key = await t.newKey();
    // The cache is in use from here on (PostgreSQL: its LISTEN connection is up).
    await vi.waitFor(() => expect(t.handle.accessKeyGeneration()).toBeTypeOf('number'));
  });
  afterAll(async () => {
    await other.close();
    await t.close();
  });

  const call = (secret = key.accessKeySecret): Promise<RawResponse> =>
    send(
      t.app,
      buildV1Request({
        method: 'GET',
        action: 'DescribeTrails',
        version: '2020-07-06',
        accessKeyId: key.accessKeyId,
        accessKeySecret: secret,
        nowMs: Date.now(),
      }),
    );

  /** The answer's Code (OK for a success), once it is `want` or the wait is over. */
  async function codeBecomes(want: string, secret?: string): Promise<string> {
    const deadline = performance.now() + NOTIFY_WAIT_MS;
    for (;;) {
      // A request over a socket arrives in a turn of the event loop of its own (inject would
      // run it in this one, where SQLite's once-per-turn generation read may already be made).
      await new Promise((resolve) => setImmediate(resolve));
      const res = await call(secret);
      const code = res.status === 200 ? 'OK' : String(res.body.Code);
      if (code === want || performance.now() >= deadline) return code;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('refuses a key disabled elsewhere, and accepts it again once re-enabled', async () => {
    expect(await codeBecomes('OK')).toBe('OK');
    expect(await codeBecomes('OK')).toBe('OK'); // now from the cache
    await setKeyEnabled(other.db, key.accessKeyId, false);
    expect(await codeBecomes('InvalidAccessKeyId.Inactive')).toBe('InvalidAccessKeyId.Inactive');
    await setKeyEnabled(other.db, key.accessKeyId, true);
    expect(await codeBecomes('OK')).toBe('OK');
  });

  it('refuses the old secret of a key rotated elsewhere and accepts the new one', async () => {
    expect(await codeBecomes('OK')).toBe('OK');
    await updatePresetKey(other.db, key.accessKeyId, {
      secret: 'rotated-secret-0123456789',
      account_id: key.accountId,
      status: 'Active',
    });
    expect(await codeBecomes('SignatureDoesNotMatch')).toBe('SignatureDoesNotMatch');
    expect(await codeBecomes('OK', 'rotated-secret-0123456789')).toBe('OK');
    key = { ...key, accessKeySecret: 'rotated-secret-0123456789' };
  });

  it('refuses a key deleted elsewhere as unknown', async () => {
    expect(await codeBecomes('OK')).toBe('OK');
    await other.db.deleteFrom('access_keys').where('id', '=', key.accessKeyId).execute();
    expect(await codeBecomes('InvalidAccessKeyId.NotFound')).toBe('InvalidAccessKeyId.NotFound');
  });
});
