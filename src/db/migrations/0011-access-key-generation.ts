import { type Kysely, sql } from 'kysely';
import type { DatabaseDialect } from '../dialects/dialect.js';
import { ACCESS_KEYS_CHANNEL } from '../dialects/postgres-objects.js';

/**
 * [G] The API caches access keys in memory (src/domain/accounts/access-key-cache.ts). Whatever
 * changes a key — this server, the `keys` CLI in another process, another node, a hand-written
 * UPDATE — must reach every cache, so the database itself announces it: triggers bump one
 * generation counter on every insert, update or delete of `access_keys`. SQLite servers read
 * the counter before trusting a cached key (one indexed row, microseconds); PostgreSQL nodes
 * are told by NOTIFY on ACCESS_KEYS_CHANNEL (the trigger differs per database: SQLite has no
 * statement triggers and no NOTIFY).
 */
export async function up(db: Kysely<unknown>, dialect: DatabaseDialect): Promise<void> {
  await db.schema
    .createTable('access_key_generation')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('generation', 'bigint', (c) => c.notNull())
    .execute();
  await sql`insert into access_key_generation (id, generation) values (1, 0)`.execute(db);
  if (dialect.name === 'postgres') {
    await sql`
      create function opentrail_access_keys_changed() returns trigger language plpgsql as $$
      begin
        update access_key_generation set generation = generation + 1 where id = 1;
        perform pg_notify(${sql.lit(ACCESS_KEYS_CHANNEL)}, '');
        return null;
      end $$`.execute(db);
    await sql`
      create trigger access_keys_changed after insert or update or delete or truncate
      on access_keys for each statement execute function opentrail_access_keys_changed()`.execute(
      db,
    );
    return;
  }
  for (const op of ['insert', 'update', 'delete'] as const) {
    await sql`
      create trigger ${sql.raw(`access_keys_${op}_generation`)} after ${sql.raw(op)} on access_keys
      begin
        update access_key_generation set generation = generation + 1 where id = 1;
      end`.execute(db);
  }
}
