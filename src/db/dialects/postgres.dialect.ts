import { createHash } from 'node:crypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { DatabaseHandle } from '../open-database.js';
import type { Database } from '../schema.js';
import { postgresGeneration } from './access-key-generation.js';
import { type DatabaseDialect, REUSE_PLAN } from './dialect.js';
import { listen } from './postgres-listener.js';
import { JOBS_CHANNEL, NAMED_LOCK_NAMESPACE } from './postgres-objects.js';
import { postgresEventPartitions } from './postgres-partitions.js';

export const postgresDialect: DatabaseDialect = {
  name: 'postgres',
  capabilities: { skipLocked: true, concurrentWriters: true, listenNotify: true },
  autoIncrementIdType: 'bigserial',
  eventPartitions: postgresEventPartitions,
  async databaseTime(db) {
    const r = await sql<{
      ms: number;
    }>`select extract(epoch from clock_timestamp()) * 1000 as ms`.execute(db);
    return Number(r.rows[0]?.ms);
  },
  async tableExists(db, name) {
    const r = await sql<{ oid: string | null }>`select to_regclass(${name})::text as oid`.execute(
      db,
    );
    return r.rows[0]?.oid != null;
  },
  withExclusiveLock(db, name, fn) {
    // One transaction holding a transaction-level advisory lock: nodes starting together wait
    // for each other, the work is all-or-nothing (DDL is transactional here), and the lock goes
    // with the transaction even if the connection drops. Like SQLite's BEGIN IMMEDIATE, the
    // callback gets the one connection, so every query it makes is inside the transaction.
    return db.connection().execute(async (conn) => {
      await sql`begin`.execute(conn);
      try {
        await sql`select pg_advisory_xact_lock(${NAMED_LOCK_NAMESPACE}, hashtext(${name}))`.execute(
          conn,
        );
        const out = await fn(conn);
        await sql`commit`.execute(conn);
        return out;
      } catch (e) {
        await sql`rollback`.execute(conn).catch(() => undefined);
        throw e;
      }
    });
  },
};

/**
 * int8 (bigint: sequences, epoch-ms times, count(*)) and numeric (sum, avg) arrive as strings
 * from node-postgres, because they can exceed 2^53. Ours never do (epoch ms stay below 2^53
 * for 285,000 years), so they become plain numbers, as better-sqlite3 returns them.
 */
const NUMERIC_OIDS = new Set([20, 1700]);
const toNumber = (text: string): number => Number(text);

const types: pg.CustomTypesConfig = {
  getTypeParser: (oid, format) =>
    NUMERIC_OIDS.has(oid) && format !== 'binary' ? toNumber : pg.types.getTypeParser(oid, format),
};

export interface PostgresHandle {
  db: Kysely<Database>;
  pool: pg.Pool;
}

/** Options node-postgres needs for every connection we open (pool and listener alike). */
export function clientConfig(url: string): pg.ClientConfig {
  return { connectionString: url, types, application_name: 'opentrail' };
}

/** Opens a pool on `url` (not yet migrated); the handle also LISTENs for new jobs on demand. */
export function openPostgresHandle(url: string): DatabaseHandle {
  const { db, pool } = openPostgres(url);
  const keyGeneration = postgresGeneration(clientConfig(url));
  return {
    db,
    poolStats: () => ({ size: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    dialect: postgresDialect,
    location: describeDatabaseUrl(url),
    // Many writers share PostgreSQL; a load goes batch by batch (COPY is not used yet).
    bulkLoad: false,
    watchNewJobs: async (wake, onError) => {
      const listener = await listen(clientConfig(url), JOBS_CHANNEL, wake, onError);
      return () => listener.close();
    },
    accessKeyGeneration: () => keyGeneration.current(),
    close: async () => {
      await keyGeneration.close();
      await db.destroy();
    },
  };
}

/**
 * node-postgres plans every statement anew unless it is named. Statements marked REUSE_PLAN get
 * a name derived from their text, so each connection prepares them once and PostgreSQL may
 * switch to a generic plan. Only marked ones: multi-row inserts and IN lists vary in text and
 * would fill every connection's statement cache.
 */
class PlanReusingClient extends pg.Client {}
const plainQuery = pg.Client.prototype.query as (this: pg.Client, ...args: unknown[]) => unknown;
PlanReusingClient.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const [text, values] = args;
  if (typeof text === 'string' && Array.isArray(values) && text.includes(REUSE_PLAN)) {
    const name = `ot_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    return plainQuery.call(this, { name, text, values });
  }
  return plainQuery.apply(this, args);
} as typeof pg.Client.prototype.query;

export function openPostgres(url: string, poolSize = 10): PostgresHandle {
  const pool = new pg.Pool({ ...clientConfig(url), max: poolSize, Client: PlanReusingClient });
  // An idle connection that breaks (server restart, network) is dropped from the pool; the next
  // query opens a new one and reports any lasting failure. Without a listener the error event
  // would end the process.
  pool.on('error', () => undefined);
  // pg-pool listens for a client's errors only while it is idle: one that breaks while checked
  // out between two queries (a transaction, PostgreSQL terminating backends) would throw an
  // uncaught error. Its next query fails instead, and pg-pool destroys it on release.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool };
}

/** The URL for logs and messages: never its password. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    u.search = ''; // query options can carry credentials too (sslpassword, …)
    return u.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}
