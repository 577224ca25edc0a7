import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { startMetricsServer } from '../api/health/metrics-server.js';
import { buildApp } from '../app.js';
import { createAppServices } from '../app-services.js';
import type { Config } from '../config/config.js';
import { loadTlsMaterial } from '../config/tls-files.js';
import { openDatabase } from '../db/open-database.js';
import { purgeNonces } from '../db/repositories/nonces.repository.js';
import type { NewAccessKey } from '../domain/accounts/access-keys.js';
import { bootstrapAccounts } from '../domain/accounts/bootstrap.js';
import { DevControls } from '../domain/emulator/dev-controls.js';
import { DayPartitionMaintenance, dayPartitionsOf } from '../domain/events/day-partitions.js';
import { RetentionHolds, RetentionPurger } from '../domain/events/retention.js';
import { resumeLiveDelivery } from '../domain/trails/live-delivery.js';
import { deliveryJobsHold } from '../jobs/delivery-hold.js';
import { systemClock } from '../lib/clock.js';
import { createLogger, flushLogsSync } from '../observability/logger.js';
import { addCommonOptions, type CommonOptions, configFromOptions } from './common-options.js';
import { printDevBanner } from './dev-banner.js';

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
  tlsCert?: string;
  tlsKey?: string;
  tlsSelfSigned?: boolean;
  dev?: boolean;
}

/** Printed once on stderr, not through the logger, so the secret never enters the log stream. */
function printBanner(
  config: Config,
  key: NewAccessKey,
  credentialsFile: string,
  scheme: string,
): void {
  const line = '='.repeat(72);
  process.stderr.write(
    [
      line,
      ' opentrail: first start - an account and an AccessKey were created',
      `   AccountId:       ${key.accountId}`,
      `   AccessKeyId:     ${key.accessKeyId}`,
      `   AccessKeySecret: ${key.accessKeySecret}`,
      ` The secret is shown only this once. It is saved in ${credentialsFile} (mode 0600).`,
      ` Endpoint: ${scheme}://${config.host}:${config.port}   Console: /console`,
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
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate ($OPENTRAIL_TLS_CERT)')
    .option('--tls-key <file>', 'the PEM private key of --tls-cert ($OPENTRAIL_TLS_KEY)')
    .option(
      '--tls-self-signed',
      'serve HTTPS with a self-signed certificate kept in <data dir>/tls ($OPENTRAIL_TLS_SELF_SIGNED)',
    )
    .option(
      '--dev',
      'emulator mode: a throw-away database (unless --data-dir or a database URL is given), a known admin key, the /_opentrail test hooks (docs/emulator.md)',
    )
    .action(async (opts: ServeOptions) => {
      // Dev mode without --data-dir: a fresh temp dir, removed again on a clean stop.
      const throwAway = opts.dev && !opts.dataDir && !process.env.OPENTRAIL_DATA_DIR;
      const dataDir = throwAway ? mkdtempSync(path.join(tmpdir(), 'opentrail-dev-')) : undefined;
      const config = configFromOptions(
        { ...opts, ...(dataDir ? { dataDir } : {}) },
        {
          host: opts.host,
          port: opts.port,
          region: opts.region,
          regions: opts.regions?.split(',').map((s) => s.trim()),
          logLevel: opts.logLevel,
          tls: { cert: opts.tlsCert, key: opts.tlsKey, selfSigned: opts.tlsSelfSigned },
          ...(opts.dev ? { dev: { enabled: true } } : {}),
        },
      );
      await serve(config, { throwAwayDir: dataDir });
    });
}

export async function serve(
  config: Config,
  options: { throwAwayDir?: string | undefined } = {},
): Promise<void> {
  const logger = createLogger(config.logLevel);
  mkdirSync(config.dataDir, { recursive: true });
  // Read before the database opens, so a bad certificate path fails fast and changes nothing.
  const tls = await loadTlsMaterial(config);
  const handle = await openDatabase(config, { server: true });
  const dev = config.dev.enabled
    ? new DevControls({
        handle,
        baseClock: systemClock,
        presets: config.bootstrap,
        rateLimits: config.dev.rateLimits,
        lookupEventsPerSecond: config.dev.lookupEventsPerSecond,
      })
    : undefined;
  // In dev mode the clock hook may shift the service's time; signatures keep the real one.
  const clock = dev?.clock ?? systemClock;
  const devKey = await dev?.bootstrap();
  if (!dev) {
    const boot = await bootstrapAccounts(handle, clock, config.bootstrap);
    if (boot.generated) {
      const file = path.join(config.dataDir, 'credentials');
      writeCredentials(file, boot.generated);
      printBanner(config, boot.generated, file, tls ? 'https' : 'http');
    }
  }

  // Trails that were logging before this version delivered live get their live stream now.
  const resumed = await resumeLiveDelivery(handle.db, config.regions, clock.now());
  if (resumed > 0) logger.info({ trails: resumed }, 'live delivery resumed for logging trails');
  const { services, engine, metrics } = createAppServices({
    config,
    handle,
    clock,
    wallClock: systemClock,
    logger,
    dev,
    processMetrics: true,
  });
  const app = await buildApp(services, { https: tls });
  const address = await app.listen({ host: config.host, port: config.port });
  const metricsServer =
    config.metrics.enabled && config.metrics.listen !== undefined
      ? await startMetricsServer(config.metrics.listen, metrics)
      : undefined;
  // Before the "listening" line: whoever waits for that line finds the banner already written.
  if (devKey) printDevBanner(config, devKey, options.throwAwayDir, address);
  if (tls?.selfSigned) {
    process.stderr.write(
      `opentrail: HTTPS with a self-signed certificate; trust it with NODE_EXTRA_CA_CERTS=${tls.certFile}\n`,
    );
  }
  logger.info(
    {
      url: address,
      console: `${address}/console`,
      database: handle.location,
      ...(tls?.selfSigned ? { selfSignedCert: tls.certFile } : {}),
      ...(metricsServer ? { metricsUrl: `${metricsServer.url}/metrics` } : {}),
      ...(dev ? { dev: true } : {}),
    },
    'listening',
  );
  // Lines are gathered up to 4 KB (logger.ts): whoever waits for this one gets it now.
  flushLogsSync(logger);
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
    onPass: (report) => metrics.retentionPass(report),
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
      await Promise.all([
        engine.stop({ graceMs: SHUTDOWN_GRACE_MS }),
        app.close(),
        metricsServer?.server.close(),
      ]);
      await retention.stop();
      await maintenance?.stop();
      await handle.close();
      if (options.throwAwayDir) rmSync(options.throwAwayDir, { recursive: true, force: true });
      logger.info({ signal }, 'stopped');
      process.exitCode = 0;
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exitCode = 1;
    }
    // Out now, while the process still runs (logger.ts gathers lines): whoever watches the
    // output sees the last lines before the process is gone, not in the exit flush.
    flushLogsSync(logger);
    // Everything of ours is closed: a handle some library still holds must not keep a stopped
    // server alive (a container would be killed after its stop timeout instead of exiting).
    setTimeout(() => process.exit(), 1_000).unref();
  };
  // A second signal during the shutdown ends the process at once (the default action).
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}
