import { type Insertable, type Kysely, type Selectable, type SqlBool, sql } from 'kysely';
import type {
  Database,
  DeliveryBatchesTable,
  DeliveryJobFailuresTable,
  DeliveryJobProgressTable,
} from '../schema.js';

export type ProgressRow = Selectable<DeliveryJobProgressTable>;
export type BatchRow = Selectable<DeliveryBatchesTable>;

/** Identifies one (job, region, destination) stream of batches. */
export interface StreamKey {
  jobId: number;
  region: string;
  destination: string;
}

/** `owner` still holds the job and it has not been deleted: the guard on every engine write. */
function ownedBy(jobId: number, owner: string) {
  return sql<SqlBool>`exists (select 1 from delivery_jobs where id = ${jobId} and locked_by = ${owner} and deleted_at is null)`;
}

/** The rows of one (job, region, destination) stream; both stream tables share the columns. */
function inStream(key: StreamKey) {
  return sql<SqlBool>`job_id = ${key.jobId} and region = ${key.region} and destination = ${key.destination}`;
}

export async function listProgress(db: Kysely<Database>, jobId: number): Promise<ProgressRow[]> {
  return db
    .selectFrom('delivery_job_progress')
    .selectAll()
    .where('job_id', '=', jobId)
    .orderBy('region')
    .orderBy('destination')
    .execute();
}

/**
 * The planned batches of a stream, acknowledged or not: all of the chunk under way, since a
 * chunk's checkpoint deletes its batches.
 */
export async function listPlannedBatches(
  db: Kysely<Database>,
  key: StreamKey,
): Promise<BatchRow[]> {
  return db
    .selectFrom('delivery_batches')
    .selectAll()
    .where(inStream(key))
    .orderBy('batch_no')
    .execute();
}

/** Persists the batches of one chunk before any is sent; false when the lease is gone. */
export async function planBatches(
  db: Kysely<Database>,
  key: StreamKey,
  owner: string,
  batches: ReadonlyArray<Insertable<DeliveryBatchesTable>>,
  now: number,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('delivery_job_progress')
      .set((eb) => ({
        status: 1,
        next_batch_no: eb('next_batch_no', '+', batches.length),
        updated_at: now,
      }))
      .where(inStream(key))
      .where(ownedBy(key.jobId, owner))
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return false;
    // 12 values a row: 500 rows stay far below SQLite's 32,766 bound variables.
    for (let i = 0; i < batches.length; i += 500) {
      await trx
        .insertInto('delivery_batches')
        .values(batches.slice(i, i + 500))
        .execute();
    }
    return true;
  });
}

/** Records one or more acknowledgements of a stream in one statement; false when the lease is gone. */
export async function markBatchesAcked(
  db: Kysely<Database>,
  key: StreamKey,
  batchNos: readonly number[],
  owner: string,
): Promise<boolean> {
  if (batchNos.length === 0) return true;
  const r = await db
    .updateTable('delivery_batches')
    .set({ acked: 1 })
    .where(inStream(key))
    .where('batch_no', 'in', batchNos)
    .where(ownedBy(key.jobId, owner))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** A sum over the planned batches of one stream's chunk, as a subquery. */
function chunkSum(key: StreamKey, endSeq: number, what: 'event_count' | 'bytes' | 'count(*)') {
  const value =
    what === 'count(*)' ? sql`count(*)` : sql`coalesce(sum(${sql.ref(`b.${what}`)}), 0)`;
  return sql<number>`(select ${value} from delivery_batches b
    where b.job_id = ${key.jobId} and b.region = ${key.region}
      and b.destination = ${key.destination} and b.chunk_end_seq <= ${endSeq})`;
}

/**
 * Every batch of the chunk is acknowledged: move the checkpoint to the chunk's last sequence,
 * count the chunk's events, forget its batches. One transaction. The count comes from the
 * planned batches, not from what this attempt sent: after a failed send or a takeover only the
 * unacknowledged batches are sent again, yet all of them were delivered.
 */
export async function completeChunk(
  db: Kysely<Database>,
  key: StreamKey,
  owner: string,
  chunk: { endSeq: number; now: number; beforeCommit?: () => void },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('delivery_job_progress')
      .set((eb) => ({
        checkpoint_seq: chunk.endSeq,
        // In the same statement: a read first would make SQLite's transaction a reader that
        // cannot become a writer once another process has written (SQLITE_BUSY_SNAPSHOT).
        delivered_count: eb('delivered_count', '+', chunkSum(key, chunk.endSeq, 'event_count')),
        batches: eb('batches', '+', chunkSum(key, chunk.endSeq, 'count(*)')),
        bytes: eb('bytes', '+', chunkSum(key, chunk.endSeq, 'bytes')),
        failures: 0,
        error_code: null,
        error_message: null,
        updated_at: chunk.now,
        last_delivered_at: chunk.now,
      }))
      .where(inStream(key))
      .where(ownedBy(key.jobId, owner))
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return false;
    await trx
      .deleteFrom('delivery_batches')
      .where(inStream(key))
      .where('chunk_end_seq', '<=', chunk.endSeq)
      .execute();
    chunk.beforeCommit?.();
    return true;
  });
}

/** Records one failed attempt of a stream for ListDeliveryHistoryJobFailures ([C2]). */
export async function insertFailure(
  db: Kysely<Database>,
  failure: Insertable<DeliveryJobFailuresTable>,
): Promise<void> {
  await db.insertInto('delivery_job_failures').values(failure).execute();
}

/** Sets a stream's status (2 done, 3 failed) and, on failure, what went wrong. */
export async function setStreamStatus(
  db: Kysely<Database>,
  key: StreamKey,
  owner: string,
  update: { status: number; now: number; errorCode?: string; errorMessage?: string },
): Promise<boolean> {
  const r = await db
    .updateTable('delivery_job_progress')
    .set({
      status: update.status,
      updated_at: update.now,
      ...(update.errorCode !== undefined
        ? { error_code: update.errorCode, error_message: update.errorMessage ?? null }
        : {}),
    })
    .where(inStream(key))
    .where(ownedBy(key.jobId, owner))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * Counts one more failed attempt in a row and records the error; an attempt that delivered some
 * batches before failing (`progressed`) starts the count again at 1. Returns the new count.
 */
export async function recordStreamFailure(
  db: Kysely<Database>,
  key: StreamKey,
  owner: string,
  error: { code: string; message: string; now: number; progressed: boolean },
): Promise<number | undefined> {
  const row = await db
    .updateTable('delivery_job_progress')
    .set((eb) => ({
      failures: error.progressed ? 1 : eb('failures', '+', 1),
      error_code: error.code,
      error_message: error.message,
      updated_at: error.now,
    }))
    .where(inStream(key))
    .where(ownedBy(key.jobId, owner))
    .returning('failures')
    .executeTakeFirst();
  return row ? Number(row.failures) : undefined;
}

/**
 * The lowest sequence a delivery job still has to deliver: over the unfinished streams of live
 * jobs, and of failed or stopped jobs that ended after `keepFailedSince` (decisions §3).
 * undefined when no job needs anything.
 */
export async function lowestUndeliveredSeq(
  db: Kysely<Database>,
  keepFailedSince: number,
): Promise<number | undefined> {
  const row = await db
    .selectFrom('delivery_job_progress as p')
    .innerJoin('delivery_jobs as j', 'j.id', 'p.job_id')
    .select((eb) => eb.fn.min('p.checkpoint_seq').as('seq'))
    .where('j.deleted_at', 'is', null)
    .where('p.status', '!=', 2)
    .where((eb) =>
      eb.or([
        eb('j.job_status', 'in', [0, 1]),
        eb.and([eb('j.job_status', '=', 3), eb('j.finished_at', '>=', keepFailedSince)]),
      ]),
    )
    .executeTakeFirst();
  return row?.seq === null || row?.seq === undefined ? undefined : Number(row.seq) + 1;
}
