import { sql } from 'kysely';
import { migrationStatus } from '../../db/migrations/migrate.js';
import type { DatabaseHandle } from '../../db/open-database.js';

export interface Readiness {
  ready: boolean;
  /** One line per check: `ok`, `running`, `disabled`, or what is wrong. */
  checks: { database: string; migrations: string; engine: string };
}

/** A database that does not answer within this long counts as down. */
const DATABASE_TIMEOUT_MS = 2000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * `/readyz`: this node can serve — the database answers, its schema is the one this code
 * expects, and the delivery engine runs (unless `delivery.workers` is 0, which disables it here).
 * Once the schema was current it stays so (migrations only move forward), so that check is not
 * repeated on every probe.
 */
export function readinessProbe(deps: {
  handle: DatabaseHandle;
  engine: { isRunning(): boolean } | undefined;
  engineEnabled: boolean;
}): () => Promise<Readiness> {
  let schemaCurrent = false;
  return async () => {
    const checks = { database: 'ok', migrations: 'ok', engine: 'running' };
    let ready = true;
    try {
      await withTimeout(sql`select 1`.execute(deps.handle.db), DATABASE_TIMEOUT_MS);
      if (!schemaCurrent) {
        const status = await migrationStatus(deps.handle.db, deps.handle.dialect);
        schemaCurrent = status.pending.length === 0 && status.unknown.length === 0;
        if (!schemaCurrent) {
          checks.migrations = `pending: ${status.pending.join(', ') || '-'}; unknown: ${status.unknown.join(', ') || '-'}`;
          ready = false;
        }
      }
    } catch (e) {
      checks.database = `unreachable: ${e instanceof Error ? e.message : String(e)}`;
      checks.migrations = 'unknown';
      ready = false;
    }
    if (!deps.engineEnabled) checks.engine = 'disabled';
    else if (!deps.engine?.isRunning()) {
      checks.engine = 'stopped';
      ready = false;
    }
    return { ready, checks };
  };
}
