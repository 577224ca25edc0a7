import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../../test/helpers/test-database.js';
import type { DatabaseHandle } from '../open-database.js';
import { insertAccount } from './accounts.repository.js';
import { fixedQuery, withStableLimits } from './fixed-query.js';

const ACCOUNT = '1234567890123456';

const byName = fixedQuery((db, accountId: string, name: string) =>
  db
    .selectFrom('accounts')
    .select(['id', 'created_at'])
    .where('id', '=', accountId)
    .where('id', '!=', name),
);

const page = fixedQuery((db, limit: number, offset: number) =>
  db.selectFrom('accounts').select('id').orderBy('id').limit(limit).offset(offset),
);

describe('fixedQuery', () => {
  let h: DatabaseHandle;
  beforeEach(async () => {
    h = await openTestDatabase();
    for (let i = 0; i < 5; i++) await insertAccount(h.db, { id: `${ACCOUNT}${i}`, created_at: i });
  });
  afterEach(() => h.close());

  it('binds each call its own arguments into the once-compiled SQL', async () => {
    expect(await byName(h.db, `${ACCOUNT}1`, 'x')).toEqual([{ id: `${ACCOUNT}1`, created_at: 1 }]);
    expect(await byName(h.db, `${ACCOUNT}2`, 'x')).toEqual([{ id: `${ACCOUNT}2`, created_at: 2 }]);
    expect(await byName(h.db, `${ACCOUNT}2`, `${ACCOUNT}2`)).toEqual([]);
    expect((await page(h.db, 2, 1)).map((r) => r.id)).toEqual([`${ACCOUNT}1`, `${ACCOUNT}2`]);
    expect((await page(h.db, 3, 3)).map((r) => r.id)).toEqual([`${ACCOUNT}3`, `${ACCOUNT}4`]);
  });

  it('works inside a transaction, which is a Kysely instance of its own', async () => {
    await h.db.transaction().execute(async (trx) => {
      await insertAccount(trx, { id: 'in-trx', created_at: 9 });
      expect(await byName(trx, 'in-trx', 'x')).toEqual([{ id: 'in-trx', created_at: 9 }]);
    });
    expect(await byName(h.db, 'in-trx', 'x')).toEqual([{ id: 'in-trx', created_at: 9 }]);
  });

  it('refuses a query that does not bind an argument as one parameter', async () => {
    const unused = fixedQuery((db, _accountId: string) => db.selectFrom('accounts').select('id'));
    await expect(unused(h.db, ACCOUNT)).rejects.toThrow(/argument 0/);
    const twice = fixedQuery((db, id: string) =>
      db.selectFrom('accounts').select('id').where('id', '=', id).where('id', '=', id),
    );
    await expect(twice(h.db, ACCOUNT)).rejects.toThrow(/argument 0/);
  });

  it('keeps SQLite from re-planning a page on every run: LIMIT and OFFSET get a unary plus', () => {
    expect(withStableLimits('select id from accounts order by id limit ? offset ?')).toBe(
      'select id from accounts order by id limit +? offset +?',
    );
    expect(withStableLimits('select id from t limit $1 offset $2')).toBe(
      'select id from t limit $1 offset $2',
    );
  });
});
