import type { Kysely } from 'kysely';
import { type AccessKeyRow, findAccessKey } from '../../db/repositories/access-keys.repository.js';
import type { Database } from '../../db/schema.js';

type LoadKey = (accessKeyId: string) => Promise<AccessKeyRow | undefined>;

/** Where authentication gets a key's row from: the database, or this cache in front of it. */
export interface AccessKeyLookup {
  find(accessKeyId: string): Promise<AccessKeyRow | undefined>;
}

export interface AccessKeyCacheOptions {
  /** DatabaseHandle.accessKeyGeneration: changes whenever any key changes; undefined = unknown. */
  generation(): number | undefined;
  /** Longest time an entry is trusted without a change being announced (default 2 s). */
  ttlMs?: number | undefined;
  /** Entries kept at most; the cache starts over beyond it (default 10,000). */
  maxEntries?: number;
  /** Monotonic milliseconds (tests inject one). */
  now?: () => number;
}

/**
 * Access keys in memory for the signed API ([G], docs/benchmarks.md): the key lookup was one
 * query built through Kysely per request. An entry is used only while the database's key
 * generation is the one it was read under, so disabling, deleting, re-creating or rotating a
 * key anywhere (this server, the `keys` CLI, another PostgreSQL node) empties the cache before
 * the next request on SQLite and once the NOTIFY arrives on PostgreSQL; with the generation
 * unknown (the LISTEN connection down) every lookup goes to the database. The TTL only bounds
 * how long an entry lives if an announcement were ever missed. Unknown ids are not cached, so
 * made-up ids cannot fill memory. Rows are shared between requests: never mutate one.
 */
export class AccessKeyCache implements AccessKeyLookup {
  private readonly entries = new Map<string, { row: AccessKeyRow; until: number }>();
  private seen: number | undefined;
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  private readonly load: LoadKey;

  /** `source`: the database (findAccessKey), or a loader of its own (tests). */
  constructor(
    source: Kysely<Database> | LoadKey,
    private readonly options: AccessKeyCacheOptions,
  ) {
    this.load = typeof source === 'function' ? source : (id) => findAccessKey(source, id);
    this.ttlMs = options.ttlMs ?? 2_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? (() => performance.now());
  }

  async find(accessKeyId: string): Promise<AccessKeyRow | undefined> {
    const generation = this.options.generation();
    if (generation !== this.seen) {
      this.entries.clear();
      this.seen = generation;
    }
    if (generation === undefined) return this.load(accessKeyId);
    const hit = this.entries.get(accessKeyId);
    if (hit && hit.until > this.now()) return hit.row;
    const row = await this.load(accessKeyId);
    // Kept only if no change was announced while it was read: the row might predate it, and a
    // lookup that started later may already have filled the cache for the new generation.
    if (row && this.options.generation() === generation && this.seen === generation) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(accessKeyId, { row, until: this.now() + this.ttlMs });
    } else if (!row) {
      this.entries.delete(accessKeyId);
    }
    return row;
  }
}
