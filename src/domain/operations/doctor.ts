import { sql } from 'kysely';
import { MIGRATIONS } from '../../db/migrations/index.js';
import { migrationStatus } from '../../db/migrations/migrate.js';
import type { DatabaseHandle } from '../../db/open-database.js';
import { listOssBucketNames, listSlsProjectArns } from '../../db/repositories/trails.repository.js';
import type { Sink } from '../../sinks/sink.js';
import { parseSlsProjectArn } from '../delivery-jobs/job-scope.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  check: 'database' | 'schema' | 'clock' | 'delivery-root' | 'sls' | 'oss';
  status: CheckStatus;
  detail: string;
}

export interface DoctorDeps {
  /** Opens the configured database without migrating it. */
  open(): Promise<DatabaseHandle>;
  /** The file sink over the configured delivery root. */
  sink: Sink;
  /** This node's clock. */
  now(): number;
  /** Lease length: nodes compare lease times written by each other, so skew must stay below it. */
  leaseMs: number;
  /**
   * Set when SLS credentials are configured: a signed GetProject of one project through the
   * configured endpoint; resolves to a description, throws what SLS answered.
   */
  checkSlsProject?: (project: string, region: string) => Promise<string>;
  /**
   * Set when an OSS endpoint and key pair are configured: looks one bucket up through the S3
   * API; resolves to a description, throws when it is missing or refused.
   */
  checkOssBucket?: (bucket: string) => Promise<string>;
}

/** Clock skew that is fine whatever the lease length: NTP keeps clocks far closer. */
const SKEW_OK_MS = 1000;

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function schemaCheck(h: DatabaseHandle): Promise<CheckResult> {
  const s = await migrationStatus(h.db, h.dialect);
  if (s.unknown.length > 0) {
    return {
      check: 'schema',
      status: 'fail',
      detail: `written by a newer opentrail (unknown migrations: ${s.unknown.join(', ')}); upgrade this node`,
    };
  }
  if (s.pending.length > 0) {
    return {
      check: 'schema',
      status: 'warn',
      detail: `${s.pending.length} migration(s) pending (${s.pending.join(', ')}); run opentrail migrate or start the server`,
    };
  }
  return {
    check: 'schema',
    status: 'ok',
    detail: `up to date (${MIGRATIONS.length} migrations, latest ${MIGRATIONS.at(-1)?.[0]})`,
  };
}

/**
 * Several nodes compare lease and retry times that other nodes wrote with their own clocks, and
 * signatures carry the client's time: this node's clock is compared with the database's, read
 * half a round trip after asking.
 */
async function clockCheck(h: DatabaseHandle, deps: DoctorDeps): Promise<CheckResult> {
  const before = deps.now();
  const database = await h.dialect.databaseTime(h.db);
  const after = deps.now();
  const skew = Math.round((before + after) / 2 - database);
  const side = skew >= 0 ? 'ahead of' : 'behind';
  const detail = `this node is ${Math.abs(skew)} ms ${side} the database (round trip ${after - before} ms)`;
  const limit = deps.leaseMs / 3;
  if (Math.abs(skew) <= SKEW_OK_MS) return { check: 'clock', status: 'ok', detail };
  return {
    check: 'clock',
    status: Math.abs(skew) < limit ? 'warn' : 'fail',
    detail: `${detail}; keep node clocks within ${SKEW_OK_MS} ms (NTP): leases last ${deps.leaseMs / 1000} s`,
  };
}

/** `opentrail doctor`: is this node fit to serve? Every check runs; none changes anything. */
export async function runDoctor(deps: DoctorDeps): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  let handle: DatabaseHandle | undefined;
  let reachable = false;
  try {
    handle = await deps.open();
    await sql`select 1`.execute(handle.db);
    reachable = true;
    results.push({ check: 'database', status: 'ok', detail: `${handle.location} is reachable` });
  } catch (e) {
    results.push({ check: 'database', status: 'fail', detail: message(e) });
  }
  if (handle && reachable) {
    const checks = [
      ['schema', () => schemaCheck(handle)],
      ['clock', () => clockCheck(handle, deps)],
    ] as const;
    for (const [name, check] of checks) {
      try {
        results.push(await check());
      } catch (e) {
        results.push({ check: name, status: 'fail', detail: message(e) });
      }
    }
  }
  // The trails say which projects and buckets to ask about; an older schema may not have them.
  const schemaOk = results.some((r) => r.check === 'schema' && r.status === 'ok');
  const skipped = (check: 'sls' | 'oss'): CheckResult[] => [
    { check, status: 'warn', detail: 'skipped until the schema is up to date' },
  ];
  if (handle && reachable && deps.checkSlsProject) {
    results.push(...(schemaOk ? await slsChecks(handle, deps.checkSlsProject) : skipped('sls')));
  }
  if (handle && reachable && deps.checkOssBucket) {
    results.push(...(schemaOk ? await ossChecks(handle, deps.checkOssBucket) : skipped('oss')));
  }
  await handle?.close().catch(() => undefined);
  try {
    const detail = (await deps.sink.healthCheck?.()) ?? `${deps.sink.kind} sink has no check`;
    results.push({ check: 'delivery-root', status: 'ok', detail });
  } catch (e) {
    results.push({ check: 'delivery-root', status: 'fail', detail: message(e) });
  }
  return results;
}

/** One GetProject per project that a trail (of any account) delivers to. */
async function slsChecks(
  h: DatabaseHandle,
  check: NonNullable<DoctorDeps['checkSlsProject']>,
): Promise<CheckResult[]> {
  let arns: string[];
  try {
    arns = await listSlsProjectArns(h.db);
  } catch (e) {
    return [{ check: 'sls', status: 'fail', detail: message(e) }];
  }
  const projects = new Map<string, { project: string; region: string }>();
  for (const arn of arns) {
    const p = parseSlsProjectArn(arn);
    if (p) projects.set(`${p.region}/${p.project}`, p);
  }
  if (projects.size === 0) {
    return [{ check: 'sls', status: 'ok', detail: 'configured; no trail delivers to Log Service' }];
  }
  const results: CheckResult[] = [];
  for (const { project, region } of projects.values()) {
    try {
      results.push({ check: 'sls', status: 'ok', detail: await check(project, region) });
    } catch (e) {
      const code = (e as { details?: { code?: string } }).details?.code;
      results.push({
        check: 'sls',
        status: 'fail',
        detail: `project ${project} (${region}): ${code ? `${code}: ` : ''}${message(e)}`,
      });
    }
  }
  return results;
}

/** One bucket lookup per bucket that a trail (of any account) delivers to. */
async function ossChecks(
  h: DatabaseHandle,
  check: NonNullable<DoctorDeps['checkOssBucket']>,
): Promise<CheckResult[]> {
  let buckets: string[];
  try {
    buckets = await listOssBucketNames(h.db);
  } catch (e) {
    return [{ check: 'oss', status: 'fail', detail: message(e) }];
  }
  if (buckets.length === 0) {
    return [{ check: 'oss', status: 'ok', detail: 'configured; no trail delivers to OSS' }];
  }
  const results: CheckResult[] = [];
  for (const bucket of buckets) {
    try {
      results.push({ check: 'oss', status: 'ok', detail: await check(bucket) });
    } catch (e) {
      results.push({ check: 'oss', status: 'fail', detail: `bucket ${bucket}: ${message(e)}` });
    }
  }
  return results;
}
