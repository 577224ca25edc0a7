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

export interface DatabaseDialect {
  readonly name: 'sqlite' | 'postgres';
  readonly capabilities: Capabilities;
  /** SQL type of an auto-incrementing 64-bit primary key column. */
  readonly autoIncrementIdType: string;
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
