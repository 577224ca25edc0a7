import { describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../../test/helpers/test-database.js';
import { findAccessKey, listAccessKeys } from '../../db/repositories/access-keys.repository.js';
import { listAccounts } from '../../db/repositories/accounts.repository.js';
import { ManualClock } from '../../lib/clock.js';
import { bootstrapAccounts } from './bootstrap.js';

const clock = new ManualClock(1_800_000_000_000);

describe('first start', () => {
  it('creates one account and one long-term key, once', async () => {
    const h = await openTestDatabase();
    const first = await bootstrapAccounts(h, clock, {});
    expect(first.generated?.accessKeyId).toMatch(/^LTAI[A-Za-z0-9]{20}$/);
    expect(first.generated?.accountId).toMatch(/^[1-9]\d{15}$/);
    const again = await bootstrapAccounts(h, clock, {});
    expect(again.generated).toBeUndefined();
    expect(again.accountId).toBe(first.accountId);
    expect(await listAccounts(h.db)).toHaveLength(1);
    expect(await listAccessKeys(h.db)).toHaveLength(1);
    await h.close();
  });

  it('applies presets instead of generating, and re-applies a changed secret', async () => {
    const h = await openTestDatabase();
    const presets = {
      accountId: '1234567890123456',
      accessKeyId: 'testid',
      accessKeySecret: 'testsecret',
    };
    const r = await bootstrapAccounts(h, clock, presets);
    expect(r.generated).toBeUndefined();
    expect(r.accountId).toBe('1234567890123456');
    expect(await findAccessKey(h.db, 'testid')).toMatchObject({
      secret: 'testsecret',
      account_id: '1234567890123456',
      kind: 'long_term',
    });
    await bootstrapAccounts(h, clock, { ...presets, accessKeySecret: 'rotated' });
    expect((await findAccessKey(h.db, 'testid'))?.secret).toBe('rotated');
    expect(await listAccessKeys(h.db)).toHaveLength(1);
    await h.close();
  });

  it('generates a key for a preset account that has none', async () => {
    const h = await openTestDatabase();
    const r = await bootstrapAccounts(h, clock, { accountId: '1111222233334444' });
    expect(r.generated?.accountId).toBe('1111222233334444');
    await h.close();
  });
});
