import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { inject } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../src/db/open-database.js';
import type { Database } from '../../src/db/schema.js';

/**
 * Which database the integration and acceptance tests run on: `DB=postgres` (set by the
 * `*-pg` vitest projects) or SQLite. Tests ask this module for their database and never
 * branch on it themselves, except where they poke at SQL directly.
 */
export const TEST_DB: 'sqlite' | 'postgres' = process.env.DB === 'postgres' ? 'postgres' : 'sqlite';

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A new PostgreSQL database, a copy of one of the run's templates: migrated (`plain`), migrated
 * with a server's day partitions (`server`), or never migrated (`empty`). Returns its URL.
 */
export async function createPostgresDatabase(
  kind: 'plain' | 'server' | 'empty' = 'plain',
): Promise<string> {
  const name = `ot_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
  const template = {
    plain: inject('pgTemplate'),
    server: inject('pgServerTemplate'),
    empty: 'template0',
  }[kind];
  // FILE_COPY copies the template's files (PostgreSQL 15's default WAL-logs every block).
  await withAdmin((c) =>
    c.query(`create database ${name} template ${template} strategy file_copy`),
  );
  return inject('pgAdminUrl').replace(/\/postgres$/, `/${name}`);
}

/** Drops a database made by createPostgresDatabase, disconnecting whoever still uses it. */
export async function dropPostgresDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  await withAdmin((c) => c.query(`drop database if exists ${name} with (force)`));
}

/** PostgreSQL databases by the data directory of the app or server that uses them. */
const byDataDir = new Map<string, string>();

/**
 * The environment that points opentrail at the test database of `dataDir`: nothing on SQLite
 * (the file lives in the data dir), `OPENTRAIL_DATABASE_URL` of a database created on first use
 * on PostgreSQL. A restarted server (same data dir) finds its database again.
 */
export async function databaseEnvFor(dataDir: string): Promise<Record<string, string>> {
  if (TEST_DB === 'sqlite') return {};
  const key = path.resolve(dataDir);
  let url = byDataDir.get(key);
  if (!url) {
    url = await createPostgresDatabase('server');
    byDataDir.set(key, url);
  }
  return { OPENTRAIL_DATABASE_URL: url };
}

/** The same, for synchronous callers (the CLI helper) once the database exists. */
export function knownDatabaseEnvFor(dataDir: string): Record<string, string> {
  const url = byDataDir.get(path.resolve(dataDir));
  return url ? { OPENTRAIL_DATABASE_URL: url } : {};
}

/** Opens the database a server with this data dir uses (to seed it or look inside). */
export async function openDatabaseOf(dataDir: string): Promise<DatabaseHandle> {
  const env = await databaseEnvFor(dataDir);
  return openDatabase({
    databasePath: path.join(dataDir, 'opentrail.db'),
    databaseUrl: env.OPENTRAIL_DATABASE_URL,
  });
}

/**
 * Settings for a database nobody has opened yet: a new SQLite file in `dataDir`, or a new,
 * empty PostgreSQL database (for first-start and migration tests).
 */
export async function emptyDatabaseConfig(
  dataDir: string,
): Promise<{ databasePath: string; databaseUrl?: string }> {
  const databasePath = path.join(dataDir, 'opentrail.db');
  if (TEST_DB === 'sqlite') return { databasePath };
  return { databasePath, databaseUrl: await createPostgresDatabase('empty') };
}

/**
 * A fresh, migrated database for repository and domain tests: in-memory SQLite, or a new
 * PostgreSQL database (dropped again by close) when the tests run on PostgreSQL.
 */
export async function openTestDatabase(): Promise<DatabaseHandle & { db: Kysely<Database> }> {
  if (TEST_DB === 'sqlite') return openDatabase({ databasePath: ':memory:' });
  const url = await createPostgresDatabase();
  const handle = await openDatabase({ databasePath: '', databaseUrl: url });
  return {
    ...handle,
    close: async () => {
      await handle.close();
      await dropPostgresDatabase(url);
    },
  };
}

/**
 * Every stored event row and resource row in a fixed order: what a migration or a bulk load
 * must leave exactly as a row-by-row store would have it (compared whole, sequences included).
 */
export async function storedEventRows(db: Kysely<Database>) {
  return {
    events: await db.selectFrom('events').selectAll().orderBy('seq').execute(),
    resources: await db
      .selectFrom('event_resources')
      .selectAll()
      .orderBy('seq')
      .orderBy('resource_type')
      .orderBy('resource_name')
      .execute(),
  };
}
