import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/**
 * Everything that differs between SQLite and PostgreSQL, in one place (architecture lesson 8).
 * Callers read capabilities; nothing else in the code base asks which database this is.
 */
export interface Capabilities {
  /** `FOR UPDATE SKIP LOCKED` for job claims. */
  readonly skipLocked: boolean;
  /** Several processes may write at once (PostgreSQL); SQLite has one writer at a time. */
  readonly concurrentWriters: boolean;
  /** LISTEN/NOTIFY wake-ups; otherwise the engine polls. */
  readonly listenNotify: boolean;
}

/**
 * Marks a hot query whose plan the database may keep and reuse (put it in the SQL, e.g. with
 * `modifyFront`). PostgreSQL prepares such a statement once per connection: a delivery scan
 * over every day partition then costs ~1 ms instead of ~30 ms of planning with 95 partitions
 * (measured on this 2-core machine). SQLite ignores the comment.
 */
export const REUSE_PLAN = '/* opentrail:reuse-plan */';

/**
 * The event store split into one partition per UTC day (PostgreSQL, migration 0005), so
 * retention drops whole days and a lookup reads only its days' partitions. Days are counted
 * since the epoch (event_day). Events of a day without a partition go to a default partition.
 */
export interface EventPartitions {
  /** Days that have partitions of their own, ascending. */
  listDays(db: Kysely<Database>): Promise<number[]>;
  /** Creates the day's partitions (moving its events out of the default); false if it had them. */
  createDay(db: Kysely<Database>, day: number, hooks?: CreateDayHooks): Promise<boolean>;
  /**
   * Drops the day's partitions unless one of its events has seq ≥ `belowSeq` (a retention
   * hold). Returns how many events went, or undefined when nothing was dropped (held, no such
   * day, or the tables were too busy to lock now).
   */
  dropDay(db: Kysely<Database>, day: number, belowSeq?: number): Promise<number | undefined>;
  /** Forgets up to `limit` (account, eventId) ids of dropped days; false when none are left. */
  forgetDroppedIds(db: Kysely<Database>, limit: number): Promise<boolean>;
}

/** Test hooks of createDay: `beforeCommit` runs inside its transaction, after all its work. */
export interface CreateDayHooks {
  beforeCommit?: () => Promise<void>;
}

export interface DatabaseDialect {
  readonly name: 'sqlite' | 'postgres';
  readonly capabilities: Capabilities;
  /** Present where events are partitioned by day (PostgreSQL). */
  readonly eventPartitions?: EventPartitions;
  /** SQL type of an auto-incrementing 64-bit primary key column. */
  readonly autoIncrementIdType: string;
  /**
   * Whether a table exists: one catalog lookup (Kysely's introspection reads every column of
   * every table, hundreds of day partitions on PostgreSQL).
   */
  tableExists(db: Kysely<Database>, name: string): Promise<boolean>;
  /** The database server's clock, epoch ms (`opentrail doctor` compares it with ours). */
  databaseTime(db: Kysely<Database>): Promise<number>;
  /**
   * Runs `fn` while holding a database-wide exclusive lock named `name`, so concurrent first
   * starts or migrations on several nodes do the work once.
   */
  withExclusiveLock<T>(
    db: Kysely<Database>,
    name: string,
    fn: (locked: Kysely<Database>) => Promise<T>,
  ): Promise<T>;
}
