import type { Kysely, Selectable } from 'kysely';
import type { Database, DeliveryJobFailuresTable } from '../schema.js';

export type FailureRow = Selectable<DeliveryJobFailuresTable>;

/** One page of a job's failed attempts, oldest first, and how many there are. */
export async function listFailures(
  db: Kysely<Database>,
  jobId: number,
  page: { limit: number; offset: number },
): Promise<{ total: number; rows: FailureRow[] }> {
  const [count, rows] = await Promise.all([
    db
      .selectFrom('delivery_job_failures')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('job_id', '=', jobId)
      .executeTakeFirst(),
    db
      .selectFrom('delivery_job_failures')
      .selectAll()
      .where('job_id', '=', jobId)
      .orderBy('id')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
  ]);
  return { total: Number(count?.n ?? 0), rows };
}

/** Remembers a stream's estimated (or, once done, exact) number of events in scope. */
export async function setStreamTotal(
  db: Kysely<Database>,
  key: { jobId: number; region: string; destination: string },
  total: number,
): Promise<void> {
  await db
    .updateTable('delivery_job_progress')
    .set({ total_events: total })
    .where('job_id', '=', key.jobId)
    .where('region', '=', key.region)
    .where('destination', '=', key.destination)
    .execute();
}
