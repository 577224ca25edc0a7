import type { Kysely } from 'kysely';
import {
  type DataEventSelectorRow,
  deleteDataEventSelectors,
  findDataEventSelectors,
  listDataEventSelectors,
  upsertDataEventSelectors,
} from '../../db/repositories/data-event-selectors.repository.js';
import { findTrail } from '../../db/repositories/trails.repository.js';
import type { Database } from '../../db/schema.js';
import { ApiError } from '../../errors/api-error.js';
import { trailArn } from '../trails/trail.js';
import { checkTrailName } from '../trails/trail-rules.js';
import type { DataEventSelectorSet } from './selector-match.js';
import { parseEventSelectors, parseTrailRegionIds } from './selector-rules.js';

export interface SelectorContext {
  db: Kysely<Database>;
  accountId: string;
  regions: readonly string[];
  now: number;
}

/** A trail's stored selectors as the Actions answer them; `selectors` undefined = none. */
export interface TrailSelectors {
  trailName: string;
  trailArn: string;
  /** Exactly as PutDataEventSelector received it. */
  selectors: string | undefined;
  isTrailAllRegion: boolean;
  trailRegionIds: string[];
  createdAt: number | undefined;
}

export interface PutSelectorsInput {
  trailName: string;
  /** Stored exactly as given (Terraform compares it byte for byte); blank clears them. */
  eventSelectors: string;
  isTrailAllRegion: boolean;
  trailRegionIds: string | undefined;
}

function splitRegions(joined: string): string[] {
  return joined === '' ? [] : joined.split(',');
}

function toSelectors(arn: string, trailName: string, row?: DataEventSelectorRow): TrailSelectors {
  return {
    trailName,
    trailArn: arn,
    selectors: row?.event_selectors,
    isTrailAllRegion: row ? row.is_trail_all_region === 1 : false,
    trailRegionIds: row ? splitRegions(row.trail_region_ids) : [],
    createdAt: row ? Number(row.created_at) : undefined,
  };
}

async function trailArnOf(db: Kysely<Database>, accountId: string, name: string): Promise<string> {
  checkTrailName(name);
  const trail = await findTrail(db, accountId, name);
  if (!trail) throw new ApiError('TrailNotFoundException');
  return trailArn({ homeRegion: trail.home_region, accountId, name });
}

/**
 * PutDataEventSelector: replaces the trail's selectors. An empty EventSelectors clears them
 * (and the region list with them), which is what Terraform sends when `event_selectors` is
 * removed.
 */
export async function putDataEventSelectors(
  ctx: SelectorContext,
  input: PutSelectorsInput,
): Promise<TrailSelectors> {
  const regionIds =
    input.trailRegionIds === undefined
      ? []
      : parseTrailRegionIds(input.trailRegionIds, ctx.regions);
  const clear = input.eventSelectors.trim() === '';
  if (!clear) parseEventSelectors(input.eventSelectors);
  return ctx.db.transaction().execute(async (trx) => {
    const arn = await trailArnOf(trx, ctx.accountId, input.trailName);
    if (clear) {
      await deleteDataEventSelectors(trx, ctx.accountId, input.trailName);
      return toSelectors(arn, input.trailName);
    }
    const row = await upsertDataEventSelectors(trx, {
      account_id: ctx.accountId,
      trail_name: input.trailName,
      event_selectors: input.eventSelectors,
      is_trail_all_region: input.isTrailAllRegion ? 1 : 0,
      trail_region_ids: regionIds.join(','),
      created_at: ctx.now,
      updated_at: ctx.now,
    });
    return toSelectors(arn, input.trailName, row);
  });
}

export async function getDataEventSelectors(
  ctx: Pick<SelectorContext, 'db' | 'accountId'>,
  trailName: string,
): Promise<TrailSelectors> {
  const arn = await trailArnOf(ctx.db, ctx.accountId, trailName);
  return toSelectors(
    arn,
    trailName,
    await findDataEventSelectors(ctx.db, ctx.accountId, trailName),
  );
}

/** DeleteDataEventSelector: the trail must exist; having no selectors is not an error. */
export async function deleteDataEventSelectorsOf(
  ctx: Pick<SelectorContext, 'db' | 'accountId'>,
  trailName: string,
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    await trailArnOf(trx, ctx.accountId, trailName);
    await deleteDataEventSelectors(trx, ctx.accountId, trailName);
  });
}

/** One page of the account's trails that have selectors, in trail-name order. */
export async function listTrailSelectors(
  ctx: Pick<SelectorContext, 'db' | 'accountId'>,
  afterName: string | undefined,
  limit: number,
): Promise<{ items: TrailSelectors[]; more: boolean }> {
  const rows = await listDataEventSelectors(ctx.db, ctx.accountId, afterName, limit + 1);
  const page = rows.slice(0, limit);
  const items: TrailSelectors[] = [];
  for (const row of page) {
    const trail = await findTrail(ctx.db, ctx.accountId, row.trail_name);
    const homeRegion = trail?.home_region ?? '';
    items.push(
      toSelectors(
        trailArn({ homeRegion, accountId: ctx.accountId, name: row.trail_name }),
        row.trail_name,
        row,
      ),
    );
  }
  return { items, more: rows.length > limit };
}

/** The selector set the delivery engine matches a trail's Data events against. */
export async function dataEventSelectorSet(
  db: Kysely<Database>,
  accountId: string,
  trailName: string,
): Promise<DataEventSelectorSet | undefined> {
  const row = await findDataEventSelectors(db, accountId, trailName);
  if (!row) return undefined;
  return {
    selectors: parseEventSelectors(row.event_selectors),
    isTrailAllRegion: row.is_trail_all_region === 1,
    trailRegionIds: splitRegions(row.trail_region_ids),
  };
}
