import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/db/migrations/index.js';
import { openDatabase } from '../../src/db/open-database.js';
import { runCli } from '../helpers/cli.js';
import { freshDataDir, startServer } from '../helpers/server-process.js';
import { emptyDatabaseConfig, TEST_DB } from '../helpers/test-database.js';

const ALL = MIGRATIONS.map(([name]) => name);

/** The environment an operator would set for this database. */
async function operatorSetup() {
  const dataDir = freshDataDir('opentrail-ops-');
  const target = await emptyDatabaseConfig(dataDir);
  let env: Record<string, string> = {};
  if (target.databaseUrl) {
    // A password in the URL (the test server trusts everyone, so any will do): it must
    // never be printed.
    const url = new URL(target.databaseUrl);
    url.password = 's3cret-pw';
    env = { OPENTRAIL_DATABASE_URL: url.toString() };
  }
  return { dataDir, target, env };
}

describe(`opentrail migrate and doctor on ${TEST_DB}`, () => {
  it('migrate brings a new database up to date once; doctor then reports every check ok', async () => {
    const { dataDir, env } = await operatorSetup();
    const before = runCli(['doctor', '--data-dir', dataDir], env);
    expect(before.status).toBe(0);
    expect(before.stdout).toMatch(/^ok {4}database {7}.+ is reachable$/m);
    expect(before.stdout).toMatch(
      new RegExp(`^warn {2}schema {9}${ALL.length} migration\\(s\\) pending`, 'm'),
    );

    const first = runCli(['migrate', '--data-dir', dataDir, '--json'], env);
    expect(first.status).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ applied: ALL, latest: ALL.at(-1) });
    const again = runCli(['migrate', '--data-dir', dataDir], env);
    expect(again.stdout).toContain(`already up to date (latest ${ALL.at(-1)})`);

    const doctor = runCli(['doctor', '--data-dir', dataDir, '--json'], env);
    expect(doctor.status).toBe(0);
    const { checks } = JSON.parse(doctor.stdout) as { checks: Array<Record<string, string>> };
    expect(checks.map((c) => [c.check, c.status])).toEqual([
      ['database', 'ok'],
      ['schema', 'ok'],
      ['clock', 'ok'],
      ['delivery-root', 'ok'],
    ]);
    expect(checks.find((c) => c.check === 'delivery-root')?.detail).toContain(dataDir);
    for (const out of [before, first, again, doctor]) {
      expect(out.stdout + out.stderr).not.toContain('s3cret-pw');
    }
    if (env.OPENTRAIL_DATABASE_URL) expect(doctor.stdout).toContain(':***@');
  });

  it('doctor fails on a schema from a newer opentrail, which serve refuses too', async () => {
    const { dataDir, target, env } = await operatorSetup();
    const h = await openDatabase(target);
    await sql`insert into opentrail_migrations (name, timestamp) values ('9999-from-the-future', '2030-01-01')`.execute(
      h.db,
    );
    await h.close();
    const doctor = runCli(['doctor', '--data-dir', dataDir], env);
    expect(doctor.status).toBe(1);
    expect(doctor.stdout).toMatch(
      /^fail {2}schema {9}written by a newer opentrail \(unknown migrations: 9999-from-the-future\)/m,
    );
    const serve = await startServer({ dataDir, env }).catch((e: Error) => e);
    expect(String(serve)).toMatch(/migrated by a newer opentrail/);
    expect(runCli(['migrate', '--data-dir', dataDir], env).status).toBe(1);
  });

  it('doctor fails when the delivery root cannot be written, and when the database is unreachable', async () => {
    const { dataDir, env } = await operatorSetup();
    const blocked = runCli(['doctor', '--data-dir', dataDir], {
      ...env,
      OPENTRAIL_DELIVERY_ROOT: '/dev/null/delivery',
    });
    expect(blocked.status).toBe(1);
    expect(blocked.stdout).toMatch(
      /^fail {2}delivery-root {2}file sink could not write \/dev\/null\/delivery/m,
    );
    if (TEST_DB === 'postgres') {
      const down = runCli(['doctor', '--data-dir', dataDir], {
        OPENTRAIL_DATABASE_URL: 'postgres://ot:s3cret-pw@127.0.0.1:1/opentrail',
      });
      expect(down.status).toBe(1);
      expect(down.stdout).toMatch(/^fail {2}database {7}connect ECONNREFUSED/m);
      expect(down.stdout).not.toContain('s3cret-pw');
    }
  });
});
