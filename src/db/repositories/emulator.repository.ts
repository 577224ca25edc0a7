import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.js';

/**
 * Emulator mode (`serve --dev`) only: the queries behind the `/_opentrail` test hooks.
 */

/** Every table that holds service state, children first. `server_secrets` (the NextToken key)
 * stays: it is the installation's, not state a test made. */
const STATE_TABLES = [
  'delivery_job_failures',
  'delivery_batches',
  'delivery_job_progress',
  'delivery_jobs',
  'event_resources',
  'events',
  'data_event_selectors',
  'global_events_storage_regions',
  'advanced_query_templates',
  'trails',
  'used_nonces',
  'access_keys',
  'accounts',
] as const;

/** Empties every state table (and PostgreSQL's `event_ids`) in one transaction. */
export async function deleteAllState(db: Kysely<Database>, hasEventIds: boolean): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const table of STATE_TABLES) await trx.deleteFrom(table).execute();
    if (hasEventIds) await sql`delete from event_ids`.execute(trx);
  });
}

/** A history job by id (any account), or undefined when unknown or deleted. */
export async function findHistoryJob(
  db: Kysely<Database>,
  jobId: number,
): Promise<{ id: number; job_status: number } | undefined> {
  return db
    .selectFrom('delivery_jobs')
    .select(['id', 'job_status'])
    .where('id', '=', jobId)
    .where('kind', '=', 'history')
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

export async function setKeyAdmin(db: Kysely<Database>, accessKeyId: string): Promise<void> {
  await db.updateTable('access_keys').set({ is_admin: 1 }).where('id', '=', accessKeyId).execute();
}
