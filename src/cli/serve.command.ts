import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { buildApp } from '../app.js';
import type { Config } from '../config/config.js';
import { openDatabase } from '../db/open-database.js';
import { purgeNonces } from '../db/repositories/nonces.repository.js';
import type { NewAccessKey } from '../domain/accounts/access-keys.js';
import { bootstrapAccounts } from '../domain/accounts/bootstrap.js';
import { DayPartitionMaintenance, dayPartitionsOf } from '../domain/events/day-partitions.js';
import { RetentionHolds, RetentionPurger } from '../domain/events/retention.js';
import { resumeLiveDelivery } from '../domain/trails/live-delivery.js';
import { createDeliveryEngine } from '../jobs/create-delivery-engine.js';
import { deliveryJobsHold } from '../jobs/delivery-hold.js';
import { systemClock } from '../lib/clock.js';
import { createLogger } from '../observability/logger.js';
import { addCommonOptions, type CommonOptions, configFromOptions } from './common-options.js';

/** How often expired events are purged; each pass works in small batches. */
const RETENTION_INTERVAL_MS = 5 * 60_000;
/** How often the day partitions ahead are checked (PostgreSQL); tomorrow's exists days early. */
const PARTITION_INTERVAL_MS = 60 * 60_000;
/** How long a SIGTERM/SIGINT waits for deliveries in flight to be acknowledged (issue 16). */
const SHUTDOWN_GRACE_MS = 8_000;

interface ServeOptions extends CommonOptions {
  host?: string;
  port?: string;
  region?: string;
  regions?: string;
  logLevel?: string;
}

/** Printed once on stderr, not through the logger, so the secret never enters the log stream. */
function printBanner(config: Config, key: NewAccessKey, credentialsFile: string): void {
  const line = '='.repeat(72);
  process.stderr.write(
    [
      line,
      ' opentrail: first start - an account and an AccessKey were created',
      `   AccountId:       ${key.accountId}`,
      `   AccessKeyId:     ${key.accessKeyId}`,
      `   AccessKeySecret: ${key.accessKeySecret}`,
      ` The secret is shown only this once. It is saved in ${credentialsFile} (mode 0600).`,
      ` Endpoint: http://${config.host}:${config.port}`,
      line,
      '',
    ].join('\n'),
  );
}

function writeCredentials(file: string, key: NewAccessKey): void {
  const text = [
    '[default]',
    `account_id = ${key.accountId}`,
    `access_key_id = ${key.accessKeyId}`,
    `access_key_secret = ${key.accessKeySecret}`,
    '',
  ].join('\n');
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
}

export function registerServeCommand(program: Command): void {
  addCommonOptions(program.command('serve'))
    .description('start the ActionTrail-compatible API server')
    .option('-H, --host <host>', 'address to listen on (default 127.0.0.1, $OPENTRAIL_HOST)')
    .option(
      '-p, --port <port>',
      'port to listen on; 0 picks a free one (default 8080, $OPENTRAIL_PORT)',
    )
    .option('--region <region>', 'home region (default cn-hangzhou, $OPENTRAIL_REGION)')
    .option('--regions <list>', 'comma-separated region list ($OPENTRAIL_REGIONS)')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent')
    .action(async (opts: ServeOptions) => {
      const config = configFromOptions(opts, {
        host: opts.host,
        port: opts.port,
        region: opts.region,
        regions: opts.regions?.split(',').map((s) => s.trim()),
        logLevel: opts.logLevel,
      });
      await serve(config);
    });
}

export async function serve(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel);
  mkdirSync(config.dataDir, { recursive: true });
  const handle = await openDatabase(config, { server: true });
  const clock = systemClock;
  const boot = await bootstrapAccounts(handle, clock, config.bootstrap);
  if (boot.generated) {
    const file = path.join(config.dataDir, 'credentials');
    writeCredentials(file, boot.generated);
    printBanner(config, boot.generated, file);
  }

  // Trails that were logging before this version delivered live get their live stream now.
  const resumed = await resumeLiveDelivery(handle.db, config.regions, clock.now());
  if (resumed > 0) logger.info({ trails: resumed }, 'live delivery resumed for logging trails');
  const engine = createDeliveryEngine({ config, handle, clock, logger });
  const services = { config, db: handle.db, clock, logger, deliveryEngine: engine };
  const app = await buildApp(services);
  const address = await app.listen({ host: config.host, port: config.port });
  logger.info({ url: address, database: handle.location }, 'listening');
  if (config.delivery.workers > 0) engine.start();

  const window = config.auth.nonceWindowSeconds * 1000;
  const purge = setInterval(() => {
    purgeNonces(handle.db, clock.now() - window, 10_000).catch((err: unknown) =>
      logger.warn({ err }, 'nonce purge failed'),
    );
  }, 60_000);
  purge.unref();

  // PostgreSQL: a partition per day of the retention window, created ahead.
  const partitions = dayPartitionsOf(handle.dialect.eventPartitions, handle.db);
  const maintenance =
    partitions &&
    new DayPartitionMaintenance({
      partitions,
      clock,
      retentionDays: config.retention.days,
      logger,
    });
  maintenance?.start(PARTITION_INTERVAL_MS);

  // Event retention (decisions §3): never purges what a delivery job still has to deliver.
  const retentionHolds = new RetentionHolds();
  retentionHolds.register(deliveryJobsHold(handle.db, clock));
  const retention = new RetentionPurger({
    db: handle.db,
    clock,
    retentionDays: config.retention.days,
    holds: retentionHolds,
    logger,
    partitions,
  });
  retention.start(RETENTION_INTERVAL_MS);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    clearInterval(purge);
    try {
      // The engine stops claiming and lets the sends in flight finish and checkpoint while
      // the API finishes the requests under way; then the database is closed.
      await Promise.all([engine.stop({ graceMs: SHUTDOWN_GRACE_MS }), app.close()]);
      await retention.stop();
      await maintenance?.stop();
      await handle.close();
      logger.info({ signal }, 'stopped');
      process.exitCode = 0;
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exitCode = 1;
    }
    // Everything of ours is closed: a handle some library still holds must not keep a stopped
    // server alive (a container would be killed after its stop timeout instead of exiting).
    setTimeout(() => process.exit(), 1_000).unref();
  };
  // A second signal during the shutdown ends the process at once (the default action).
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}
