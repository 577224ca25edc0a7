import { type Kysely, sql } from 'kysely';
import type { DatabaseDialect } from '../dialects/dialect.js';

/** Trails ([B1]): one row per trail, unique per (account, name) as in ActionTrail. */
export async function up(db: Kysely<unknown>, dialect: DatabaseDialect): Promise<void> {
  await db.schema
    .createTable('trails')
    .addColumn('id', sql.raw(dialect.autoIncrementIdType), (c) =>
      dialect.name === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
    )
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull().references('accounts.id'))
    .addColumn('name', 'varchar(64)', (c) => c.notNull())
    .addColumn('home_region', 'varchar(64)', (c) => c.notNull())
    .addColumn('trail_region', 'varchar(64)', (c) => c.notNull())
    .addColumn('event_rw', 'varchar(8)', (c) => c.notNull())
    .addColumn('is_organization_trail', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('oss_bucket_name', 'varchar(64)')
    .addColumn('oss_key_prefix', 'varchar(64)')
    .addColumn('oss_write_role_arn', 'text')
    .addColumn('sls_project_arn', 'text')
    .addColumn('sls_write_role_arn', 'text')
    .addColumn('max_compute_project_arn', 'text')
    .addColumn('max_compute_write_role_arn', 'text')
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('start_logging_at', 'bigint')
    .addColumn('stop_logging_at', 'bigint')
    // decisions §4: the event sequence at which live delivery begins (the safe horizon when
    // StartLogging ran); NULL until the event store ([B2]) provides the horizon.
    .addColumn('live_start_seq', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // Names are unique within an account (across regions); also the lookup every Action does.
  await db.schema
    .createIndex('trails_account_name')
    .on('trails')
    .columns(['account_id', 'name'])
    .unique()
    .execute();
  // The per-region quota count on CreateTrail.
  await db.schema
    .createIndex('trails_account_home_region')
    .on('trails')
    .columns(['account_id', 'home_region'])
    .execute();
}
