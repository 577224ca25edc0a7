import type { Kysely } from 'kysely';
import {
  findStorageRegion,
  saveStorageRegion,
} from '../../db/repositories/account-settings.repository.js';
import type { Database } from '../../db/schema.js';
import { errors } from '../../errors/api-error.js';

export interface StorageRegionContext {
  db: Kysely<Database>;
  accountId: string;
  /** The configured region list (DescribeRegions). */
  regions: readonly string[];
  /** The configured home region: the answer before any update. */
  homeRegion: string;
  now: number;
}

/**
 * Where the account's global events are stored. opentrail keeps every event in one store, so
 * the setting is recorded and reported, and changes nothing about where events live **(choice)**.
 */
export async function getStorageRegion(ctx: StorageRegionContext): Promise<string> {
  return (await findStorageRegion(ctx.db, ctx.accountId)) ?? ctx.homeRegion;
}

export async function updateStorageRegion(
  ctx: StorageRegionContext,
  region: string,
): Promise<void> {
  if (!ctx.regions.includes(region)) {
    throw errors.invalidParameter(
      'StorageRegion',
      `"${region}" is not a region (see DescribeRegions).`,
    );
  }
  await saveStorageRegion(ctx.db, ctx.accountId, region, ctx.now);
}
