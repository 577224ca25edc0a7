import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/open-database.js';
import { startPostgresCluster } from './postgres-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the run's PostgreSQL server (maintenance database). */
    pgAdminUrl: string;
    /** A migrated database every test database is copied from. */
    pgTemplate: string;
  }
}

export const TEMPLATE_DATABASE = 'opentrail_template';

/**
 * vitest globalSetup of the PostgreSQL projects: one server for the whole run and one migrated
 * template database. Each test file (or app) then gets its own database with
 * `CREATE DATABASE … TEMPLATE`, a file copy that is far faster than migrating again.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startPostgresCluster();
  const admin = new pg.Client({ connectionString: cluster.adminUrl });
  await admin.connect();
  await admin.query(`create database ${TEMPLATE_DATABASE}`);
  await admin.end();
  const templateUrl = cluster.adminUrl.replace(/\/postgres$/, `/${TEMPLATE_DATABASE}`);
  const handle = await openDatabase({ databasePath: '', databaseUrl: templateUrl });
  await handle.close();
  project.provide('pgAdminUrl', cluster.adminUrl);
  project.provide('pgTemplate', TEMPLATE_DATABASE);
  return () => cluster.stop();
}
