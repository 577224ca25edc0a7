import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/open-database.js';
import {
  DayPartitionMaintenance,
  dayPartitionsOf,
} from '../../src/domain/events/day-partitions.js';
import { systemClock } from '../../src/lib/clock.js';
import { startPostgresCluster } from './postgres-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the run's PostgreSQL server (maintenance database). */
    pgAdminUrl: string;
    /** Migrated, without day partitions: repository and domain tests copy it. */
    pgTemplate: string;
    /** Migrated, with a running server's day partitions: test apps and servers copy it. */
    pgServerTemplate: string;
  }
}

async function createTemplate(adminUrl: string, name: string, withDays: boolean): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const handle = await openDatabase({
    databasePath: '',
    databaseUrl: adminUrl.replace(/\/postgres$/, `/${name}`),
  });
  const partitions = dayPartitionsOf(handle.dialect.eventPartitions, handle.db);
  if (withDays && partitions) {
    // The partitions a server creates on its first start (today − 90 … today + 2), so apps and
    // servers under test are laid out like a running installation and do not spend their
    // first seconds creating them.
    await new DayPartitionMaintenance({
      partitions,
      clock: systemClock,
      retentionDays: 90,
    }).runOnce();
  }
  await handle.close();
}

/**
 * vitest globalSetup of the PostgreSQL projects: one server for the whole run and two migrated
 * template databases. Each test (or app, or server) then gets its own database with
 * `CREATE DATABASE … TEMPLATE`, far faster than migrating again. The partitioned template
 * holds some 3,500 relations, so copying it costs 0.1–1 s (depending on the disk); the plain
 * one a few milliseconds.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startPostgresCluster();
  await createTemplate(cluster.adminUrl, 'opentrail_template', false);
  await createTemplate(cluster.adminUrl, 'opentrail_server_template', true);
  project.provide('pgAdminUrl', cluster.adminUrl);
  project.provide('pgTemplate', 'opentrail_template');
  project.provide('pgServerTemplate', 'opentrail_server_template');
  return () => cluster.stop();
}
