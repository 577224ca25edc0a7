import type { Command } from 'commander';
import { MIGRATIONS } from '../db/migrations/index.js';
import { migrateToLatest } from '../db/migrations/migrate.js';
import { openDatabase } from '../db/open-database.js';
import { runDoctor } from '../domain/operations/doctor.js';
import { systemClock } from '../lib/clock.js';
import { createSink, sinkOptionsFromConfig } from '../sinks/create-sink.js';
import { describeOssBucket } from '../sinks/s3/oss-bucket-check.js';
import { checkSlsProject } from '../sinks/sls/sls.sink.js';
import { addCommonOptions, type CommonOptions, configFromOptions } from './common-options.js';

interface JsonOption extends CommonOptions {
  json?: boolean;
}

/** `opentrail migrate` and `opentrail doctor`: for operators, beside or before `serve`. */
export function registerOperationsCommands(program: Command): void {
  addCommonOptions(program.command('migrate'))
    .description('bring the database schema up to date (serve does this too), then exit')
    .option('--json', 'print JSON')
    .action(async (opts: JsonOption) => {
      const config = configFromOptions(opts);
      const handle = await openDatabase(config, { migrate: false });
      try {
        const { applied } = await migrateToLatest(handle.db, handle.dialect);
        const latest = MIGRATIONS.at(-1)?.[0];
        process.stdout.write(
          opts.json
            ? `${JSON.stringify({ database: handle.location, applied, latest })}\n`
            : `${handle.location}: ${applied.length > 0 ? `applied ${applied.join(', ')}` : 'already up to date'} (latest ${latest})\n`,
        );
      } finally {
        await handle.close();
      }
    });

  addCommonOptions(program.command('doctor'))
    .description(
      'check the database, its schema, the clock, the delivery root and, when configured, SLS and OSS access; exit 1 on a failure',
    )
    .option('--json', 'print JSON')
    .action(async (opts: JsonOption) => {
      const config = configFromOptions(opts);
      const sinkOptions = sinkOptionsFromConfig(config);
      const sls = sinkOptions.sls;
      const oss = sinkOptions.oss;
      const results = await runDoctor({
        open: () => openDatabase(config, { migrate: false }),
        sink: createSink(sinkOptions),
        ...(sls
          ? {
              checkSlsProject: (project: string, region: string) =>
                checkSlsProject(sls, project, region),
            }
          : {}),
        ...(oss ? { checkOssBucket: (bucket: string) => describeOssBucket(oss, bucket) } : {}),
        now: () => systemClock.now(),
        leaseMs: config.delivery.leaseSeconds * 1000,
      });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ checks: results })}\n`);
      } else {
        for (const r of results) {
          process.stdout.write(`${r.status.padEnd(4)}  ${r.check.padEnd(13)}  ${r.detail}\n`);
        }
      }
      if (results.some((r) => r.status === 'fail')) process.exitCode = 1;
    });
}
