import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { insertDeliveryJob } from './delivery-jobs.repository.js';

/**
 * A trail's live delivery is a `delivery_jobs` row of kind `live` ([D2], docs/delivery.md): the
 * engine leases it like a history job. `cutoff_seq` is NULL while it follows new events and is
 * set when it must end (StopLogging, a changed scope): it then delivers up to there and ends.
 */
export interface NewLiveStream {
  accountId: string;
  trailName: string;
  homeRegion: string;
  eventRW: string;
  regions: readonly string[];
  destinations: ReadonlyArray<{ key: string }>;
  /** Events after this sequence are the stream's (the trail's live_start_seq, or a hand-over). */
  fromSeq: number;
  now: number;
}

export async function insertLiveStream(db: Kysely<Database>, s: NewLiveStream): Promise<number> {
  return insertDeliveryJob(
    db,
    {
      kind: 'live',
      account_id: s.accountId,
      trail_name: s.trailName,
      home_region: s.homeRegion,
      event_rw: s.eventRW,
      regions_json: JSON.stringify(s.regions),
      destinations_json: JSON.stringify(s.destinations),
      job_status: 1,
      state: 'Live',
      client_token: null,
      request_fingerprint: null,
      created_at: s.now,
      updated_at: s.now,
      // Live delivery goes by insertion sequence only, never by event time (decisions §5).
      window_start: 0,
      window_end: 0,
      cutoff_seq: null,
      run_at: s.now,
    },
    s.regions.flatMap((region) =>
      s.destinations.map((d) => ({
        region,
        destination: d.key,
        status: 1,
        checkpoint_seq: s.fromSeq,
        updated_at: s.now,
      })),
    ),
  );
}

/** Gives the trail's following live streams an end: they deliver up to `cutoffSeq`, then end. */
export async function endLiveStreams(
  db: Kysely<Database>,
  accountId: string,
  trailName: string,
  cutoffSeq: number,
  now: number,
): Promise<void> {
  await db
    .updateTable('delivery_jobs')
    .set({ cutoff_seq: cutoffSeq, run_at: now, updated_at: now })
    .where('account_id', '=', accountId)
    .where('trail_name', '=', trailName)
    .where('kind', '=', 'live')
    .where('cutoff_seq', 'is', null)
    .where('deleted_at', 'is', null)
    .where('job_status', 'in', [0, 1])
    .execute();
}

/** DeleteTrail: its live streams vanish (and stop holding events back from retention). */
export async function deleteLiveStreams(
  db: Kysely<Database>,
  accountId: string,
  trailName: string,
  now: number,
): Promise<void> {
  await db
    .updateTable('delivery_jobs')
    .set({ deleted_at: now, updated_at: now, locked_by: null, lease_expires_at: null })
    .where('account_id', '=', accountId)
    .where('trail_name', '=', trailName)
    .where('kind', '=', 'live')
    .where('deleted_at', 'is', null)
    .execute();
}

export interface LiveStreamState {
  jobId: number;
  destination: string;
  region: string;
  lastDeliveredAt: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  failures: number;
}

/** Per (region, destination) state of the trail's live streams, newest stream first. */
export async function listLiveStreamState(
  db: Kysely<Database>,
  accountId: string,
  trailName: string,
): Promise<LiveStreamState[]> {
  const rows = await db
    .selectFrom('delivery_job_progress as p')
    .innerJoin('delivery_jobs as j', 'j.id', 'p.job_id')
    .select([
      'j.id',
      'p.destination',
      'p.region',
      'p.last_delivered_at',
      'p.error_code',
      'p.error_message',
      'p.failures',
    ])
    .where('j.account_id', '=', accountId)
    .where('j.trail_name', '=', trailName)
    .where('j.kind', '=', 'live')
    .where('j.deleted_at', 'is', null)
    .orderBy('j.id', 'desc')
    .execute();
  return rows.map((r) => ({
    jobId: Number(r.id),
    destination: r.destination,
    region: r.region,
    lastDeliveredAt: r.last_delivered_at === null ? null : Number(r.last_delivered_at),
    errorCode: r.error_code,
    errorMessage: r.error_message,
    failures: Number(r.failures),
  }));
}

/** Logging trails without a following live stream (e.g. started before live delivery existed). */
export async function listTrailsWithoutLiveStream(
  db: Kysely<Database>,
  accountId?: string,
): Promise<Array<{ account_id: string; name: string }>> {
  let q = db
    .selectFrom('trails as t')
    .select(['t.account_id', 't.name'])
    .where('t.status', '=', 'Enable')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('delivery_jobs as j')
            .select('j.id')
            .whereRef('j.account_id', '=', 't.account_id')
            .whereRef('j.trail_name', '=', 't.name')
            .where('j.kind', '=', 'live')
            .where('j.cutoff_seq', 'is', null)
            .where('j.deleted_at', 'is', null)
            .where('j.job_status', 'in', [0, 1]),
        ),
      ),
    );
  if (accountId !== undefined) q = q.where('t.account_id', '=', accountId);
  return q.orderBy('t.id').execute();
}

/** A live stream's end as it is now (StopLogging sets it while a worker may hold the stream). */
export async function liveStreamCutoff(
  db: Kysely<Database>,
  jobId: number,
): Promise<number | null> {
  const row = await db
    .selectFrom('delivery_jobs')
    .select('cutoff_seq')
    .where('id', '=', jobId)
    .executeTakeFirst();
  return row?.cutoff_seq === null || row?.cutoff_seq === undefined ? null : Number(row.cutoff_seq);
}
