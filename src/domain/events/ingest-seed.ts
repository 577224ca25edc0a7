import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { findAccount, insertAccount } from '../../db/repositories/accounts.repository.js';
import {
  type StoreEvents,
  type StorePacked,
  withBulkEventLoad,
} from '../../db/repositories/events-bulk-load.js';
import type { Database } from '../../db/schema.js';
import { type GenerateEventsOptions, generateEvents } from '../../intake/seed/generate-events.js';
import { DEFAULT_BATCH_SIZE, IngestBatchWriter } from './ingest-batch-writer.js';
import { generatedBatches } from './seed-thread.js';

/**
 * The account ids a seed uses when none are named: 16 digits, first one non-zero (Alibaba's
 * shape), from SHA-256 of the seed and the position. Fixed per seed, so two data directories
 * seeded alike hold the same accounts and therefore the same events.
 */
export function seedAccountIds(seed: number | string, count: number): string[] {
  const ids: string[] = [];
  for (let i = 0; ids.length < count; i++) {
    const digest = createHash('sha256').update(`opentrail-seed\n${seed}\n${i}`).digest();
    const first = 1 + ((digest[0] as number) % 9);
    const rest = (digest.readBigUInt64BE(1) % 10n ** 15n).toString().padStart(15, '0');
    const id = `${first}${rest}`;
    if (!ids.includes(id)) ids.push(id);
  }
  return ids;
}

/** Creates the accounts that do not exist yet; returns the ids that were created. */
export async function ensureAccounts(
  db: Kysely<Database>,
  ids: readonly string[],
  now: number,
): Promise<string[]> {
  const created: string[] = [];
  for (const id of ids) {
    if (await findAccount(db, id)) continue;
    await insertAccount(db, { id, created_at: now });
    created.push(id);
  }
  return created;
}

export interface SeedOptions {
  db: Kysely<Database>;
  accounts: readonly string[];
  count: number;
  days: number;
  seed: number | string;
  /** End of the history (epoch ms); part of what makes two runs identical. */
  now: number;
  regions: readonly string[];
  batchSize?: number;
  /**
   * One bulk load (events-bulk-load.ts: indexes built after, all or nothing) instead of a
   * transaction per batch; only for a writer holding the server lock (DatabaseHandle.bulkLoad).
   */
  bulk?: boolean;
  /**
   * Generate and index the events of a bulk load on a thread of their own (seed-thread.ts;
   * default true). The events stored are the same either way.
   */
  generatorThread?: boolean;
  /** Called after every stored batch with the number of events generated so far. */
  onProgress?: (progress: SeedProgress) => void;
}

export interface SeedProgress {
  generated: number;
  inserted: number;
  duplicates: number;
}

export interface SeedSummary extends SeedProgress {
  /** eventTime of the oldest and newest generated event (ISO, UTC); undefined for count 0. */
  firstEventTime: string | undefined;
  lastEventTime: string | undefined;
  seconds: number;
}

/**
 * Generates a deterministic history and stores it in batches. Events are not run through
 * validateEvent: the generator guarantees they pass it for these accounts, regions and a retention
 * of at least `days` from `now` (the caller checks those), and skipping it saves a JSON
 * serialisation per event. The store still rejects an event without a usable id or time.
 */
export async function seedEvents(options: SeedOptions): Promise<SeedSummary> {
  if (!options.bulk) return seedWith(options, undefined);
  const started = performance.now();
  const { value: summary, lateDuplicates } = await withBulkEventLoad(
    options.db,
    (store, storePacked) =>
      options.generatorThread === false
        ? seedWith(options, store)
        : seedFromThread(options, storePacked),
  );
  // The load's time includes building the indexes and the commit.
  return {
    ...summary,
    inserted: summary.inserted - lateDuplicates,
    duplicates: summary.duplicates + lateDuplicates,
    seconds: (performance.now() - started) / 1000,
  };
}

/** A bulk seed whose events come generated, indexed and ordered from seed-thread.ts. */
async function seedFromThread(options: SeedOptions, store: StorePacked): Promise<SeedSummary> {
  const started = performance.now();
  const summary: SeedSummary = {
    generated: 0,
    inserted: 0,
    duplicates: 0,
    firstEventTime: undefined,
    lastEventTime: undefined,
    seconds: 0,
  };
  const batches = generatedBatches(
    generatorOptions(options),
    options.batchSize ?? DEFAULT_BATCH_SIZE,
  );
  for await (const batch of batches) {
    const inserted = batch.packed.count > 0 ? store(batch.packed) : 0;
    summary.inserted += inserted;
    summary.duplicates += batch.events - inserted;
    summary.generated = batch.generated;
    summary.firstEventTime = batch.firstEventTime;
    summary.lastEventTime = batch.lastEventTime;
    options.onProgress?.({
      generated: summary.generated,
      inserted: summary.inserted,
      duplicates: summary.duplicates,
    });
  }
  return { ...summary, seconds: (performance.now() - started) / 1000 };
}

function generatorOptions(options: SeedOptions): GenerateEventsOptions {
  return {
    count: options.count,
    days: options.days,
    accounts: options.accounts,
    seed: options.seed,
    now: options.now,
    regions: options.regions,
  };
}

async function seedWith(
  options: SeedOptions,
  store: StoreEvents | undefined,
): Promise<SeedSummary> {
  const started = performance.now();
  const writer = new IngestBatchWriter(options.db, options.batchSize ?? DEFAULT_BATCH_SIZE, store);
  let generated = 0;
  let firstEventTime: string | undefined;
  let lastEventTime: string | undefined;
  const progress = (): SeedProgress => ({
    generated,
    inserted: writer.inserted,
    duplicates: writer.duplicates,
  });

  const events = generateEvents(generatorOptions(options));
  for (const event of events) {
    generated += 1;
    const time = event.eventTime as string;
    firstEventTime ??= time;
    lastEventTime = time;
    if (writer.add(event.recipientAccountId as string, event)) {
      await writer.flush();
      options.onProgress?.(progress());
    }
  }
  await writer.flush();
  options.onProgress?.(progress());
  return {
    ...progress(),
    firstEventTime,
    lastEventTime,
    seconds: (performance.now() - started) / 1000,
  };
}
