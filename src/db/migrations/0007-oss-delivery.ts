import type { Kysely } from 'kysely';
import type { DatabaseDialect } from '../dialects/dialect.js';

/**
 * [D2] OSS delivery: the region the bucket reported when CreateTrail/UpdateTrail checked it
 * (answered as OssBucketLocation); NULL when no OSS endpoint was configured then, which keeps
 * `oss-<home region>`. A plain nullable column, the same on SQLite and PostgreSQL.
 */
export async function up(db: Kysely<unknown>, _dialect: DatabaseDialect): Promise<void> {
  await db.schema.alterTable('trails').addColumn('oss_bucket_location', 'varchar(64)').execute();
}
