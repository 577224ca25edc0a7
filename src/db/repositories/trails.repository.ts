import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { Database, TrailsTable } from '../schema.js';
import { fixedQuery } from './fixed-query.js';

export type TrailRow = Selectable<TrailsTable>;
export type NewTrailRow = Insertable<TrailsTable>;
/** What may change after creation: never the identity (account, name, home region). */
export type TrailPatch = Omit<
  Updateable<TrailsTable>,
  'id' | 'account_id' | 'name' | 'home_region' | 'created_at'
>;

export async function insertTrail(db: Kysely<Database>, row: NewTrailRow): Promise<TrailRow> {
  return db.insertInto('trails').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findTrail(
  db: Kysely<Database>,
  accountId: string,
  name: string,
): Promise<TrailRow | undefined> {
  return db
    .selectFrom('trails')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('name', '=', name)
    .executeTakeFirst();
}

/** Every trail of the account, oldest first (an account holds at most a few hundred). */
export async function listTrails(db: Kysely<Database>, accountId: string): Promise<TrailRow[]> {
  return accountTrails(db, accountId);
}

/** Compiled once (fixed-query.ts): DescribeTrails runs it on every call. */
const accountTrails = fixedQuery((db, accountId: string) =>
  db
    .selectFrom('trails')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .orderBy('id'),
);

/**
 * How many of the account's trails count against a quota: single-account trails of one home
 * region, or multi-account (organization) trails in every region.
 */
export async function countTrails(
  db: Kysely<Database>,
  accountId: string,
  scope: { organization: false; homeRegion: string } | { organization: true },
): Promise<number> {
  let q = db
    .selectFrom('trails')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .where('is_organization_trail', '=', scope.organization ? 1 : 0);
  if (!scope.organization) q = q.where('home_region', '=', scope.homeRegion);
  const row = await q.executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Applies `patch` to the account's trail; undefined when there is no such trail. */
export async function updateTrail(
  db: Kysely<Database>,
  accountId: string,
  name: string,
  patch: TrailPatch,
): Promise<TrailRow | undefined> {
  return db
    .updateTable('trails')
    .set(patch)
    .where('account_id', '=', accountId)
    .where('name', '=', name)
    .returningAll()
    .executeTakeFirst();
}

/** Deletes the account's trail; false when there was none. */
export async function deleteTrail(
  db: Kysely<Database>,
  accountId: string,
  name: string,
): Promise<boolean> {
  const r = await db
    .deleteFrom('trails')
    .where('account_id', '=', accountId)
    .where('name', '=', name)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** The distinct SlsProjectArns of all trails of all accounts (`opentrail doctor`). */
export async function listSlsProjectArns(db: Kysely<Database>): Promise<string[]> {
  const rows = await db
    .selectFrom('trails')
    .select('sls_project_arn')
    .distinct()
    .where('sls_project_arn', 'is not', null)
    .orderBy('sls_project_arn')
    .execute();
  return rows.map((r) => r.sls_project_arn as string);
}

/** Every OSS bucket some trail delivers to (doctor checks each once). */
export async function listOssBucketNames(db: Kysely<Database>): Promise<string[]> {
  const rows = await db
    .selectFrom('trails')
    .select('oss_bucket_name')
    .distinct()
    .where('oss_bucket_name', 'is not', null)
    .orderBy('oss_bucket_name')
    .execute();
  return rows.map((r) => r.oss_bucket_name as string);
}
