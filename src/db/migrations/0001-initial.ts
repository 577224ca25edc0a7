import { type Kysely, sql } from 'kysely';
import type { DatabaseDialect } from '../dialects/dialect.js';

/** Accounts, AccessKeys, used nonces and the delivery job tables. */
export async function up(db: Kysely<unknown>, dialect: DatabaseDialect): Promise<void> {
  await db.schema
    .createTable('accounts')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('access_keys')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull().references('accounts.id'))
    .addColumn('secret', 'varchar(128)', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('security_token', 'text')
    .addColumn('expires_at', 'bigint')
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('description', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('access_keys_account')
    .on('access_keys')
    .column('account_id')
    .execute();

  await db.schema
    .createTable('used_nonces')
    .addColumn('access_key_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('nonce', 'varchar(128)', (c) => c.notNull())
    .addColumn('seen_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('used_nonces_pk', ['access_key_id', 'nonce'])
    .execute();
  await db.schema.createIndex('used_nonces_seen_at').on('used_nonces').column('seen_at').execute();

  await db.schema
    .createTable('delivery_jobs')
    .addColumn('id', sql.raw(dialect.autoIncrementIdType), (c) =>
      dialect.name === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
    )
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull().references('accounts.id'))
    .addColumn('trail_name', 'varchar(64)', (c) => c.notNull())
    .addColumn('home_region', 'varchar(64)', (c) => c.notNull())
    .addColumn('job_status', 'integer', (c) => c.notNull())
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('client_token', 'varchar(64)')
    .addColumn('request_fingerprint', 'varchar(128)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .addColumn('window_end', 'bigint', (c) => c.notNull())
    .addColumn('cutoff_seq', 'bigint')
    .addColumn('deleted_at', 'bigint')
    .addColumn('stop_reason', 'varchar(64)')
    .addColumn('last_error', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('run_at', 'bigint', (c) => c.notNull())
    .addColumn('locked_by', 'varchar(128)')
    .addColumn('lease_expires_at', 'bigint')
    .addColumn('heartbeat_at', 'bigint')
    .addColumn('finished_at', 'bigint')
    .execute();
  // ListDeliveryHistoryJobs: an account's live jobs, newest first, ties by id.
  await db.schema
    .createIndex('delivery_jobs_account_created')
    .on('delivery_jobs')
    .columns(['account_id', 'deleted_at', 'created_at', 'id'])
    .execute();
  // The engine's claim query: runnable jobs by time.
  await db.schema
    .createIndex('delivery_jobs_runnable')
    .on('delivery_jobs')
    .columns(['job_status', 'run_at'])
    .execute();
  // ClientToken lookups (decisions §5: per account, kept for the job's lifetime).
  await db.schema
    .createIndex('delivery_jobs_client_token')
    .on('delivery_jobs')
    .columns(['account_id', 'client_token'])
    .execute();

  await db.schema
    .createTable('delivery_job_regions')
    .addColumn('job_id', 'bigint', (c) =>
      c.notNull().references('delivery_jobs.id').onDelete('cascade'),
    )
    .addColumn('region', 'varchar(64)', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('checkpoint_seq', 'bigint')
    .addColumn('delivered_count', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('error_code', 'varchar(128)')
    .addColumn('error_message', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('delivery_job_regions_pk', ['job_id', 'region'])
    .execute();
}
