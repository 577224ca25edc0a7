import type { FastifyInstance } from 'fastify';
import type { AppServices } from '../../src/api/actions/action.js';
import { buildApp } from '../../src/app.js';
import { createAppServices } from '../../src/app-services.js';
import { loadConfig } from '../../src/config/load-config.js';
import { type DatabaseHandle, openDatabase } from '../../src/db/open-database.js';
import { createAccessKey, type NewAccessKey } from '../../src/domain/accounts/access-keys.js';
import { bootstrapAccounts } from '../../src/domain/accounts/bootstrap.js';
import { DEV_KEY, DevControls } from '../../src/domain/emulator/dev-controls.js';
import type { DeliveryEngine } from '../../src/jobs/engine/delivery-engine.js';
import { type Clock, systemClock } from '../../src/lib/clock.js';
import { createLogger, type Logger } from '../../src/observability/logger.js';
import { freshDataDir } from './server-process.js';
import { databaseEnvFor, dropPostgresDatabase } from './test-database.js';

export interface TestApp {
  /** `http://127.0.0.1:PORT` (pop-core endpoint). */
  url: string;
  /** `127.0.0.1:PORT` (openapi-client endpoint). */
  host: string;
  app: FastifyInstance;
  handle: DatabaseHandle;
  services: AppServices;
  /** The delivery engine over this app's database and file sink (not started). */
  engine: DeliveryEngine;
  /** The first account's long-term key. */
  key: NewAccessKey;
  /** Emulator mode only: the admin dev key (DEV_KEY), in its own account. */
  devKey: { accountId: string; accessKeyId: string; accessKeySecret: string } | undefined;
  /** Another key; `newAccount: true` gives a second account. */
  newKey(options?: Parameters<typeof createAccessKey>[2]): Promise<NewAccessKey>;
  close(): Promise<void>;
}

/**
 * The in-process app on a real database (a SQLite file in a fresh temp directory, or a fresh
 * PostgreSQL database when DB=postgres), listening on a free loopback port so the official
 * SDKs can talk to it. Integration tests use this.
 */
export async function startTestApp(
  options: {
    clock?: Clock;
    env?: Record<string, string>;
    logger?: Logger;
    keyCacheTtlMs?: number;
  } = {},
): Promise<TestApp> {
  const dataDir = freshDataDir('opentrail-it-');
  const config = loadConfig({
    env: { OPENTRAIL_DATA_DIR: dataDir, ...(await databaseEnvFor(dataDir)), ...options.env },
    flags: { logLevel: 'silent' },
  });
  const wallClock = options.clock ?? systemClock;
  const handle = await openDatabase(config);
  // Emulator mode (OPENTRAIL_DEV=true in env): the hooks' controls, as `serve --dev` builds them.
  const dev = config.dev.enabled
    ? new DevControls({
        handle,
        baseClock: wallClock,
        presets: {},
        rateLimits: config.dev.rateLimits,
        lookupEventsPerSecond: config.dev.lookupEventsPerSecond,
      })
    : undefined;
  const clock = dev?.clock ?? wallClock;
  const boot = await bootstrapAccounts(handle, clock, {});
  const devKey = await dev?.bootstrap();
  const logger = options.logger ?? createLogger('silent');
  const { services, engine } = createAppServices({
    config,
    handle,
    clock,
    wallClock,
    logger,
    dev,
    keyCacheTtlMs: options.keyCacheTtlMs,
  });
  const app = await buildApp(services);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  if (!boot.generated) throw new Error('expected a generated key on a fresh database');
  return {
    url,
    host: url.replace(/^http:\/\//, ''),
    app,
    engine,
    handle,
    services,
    key: boot.generated,
    devKey: devKey && { ...devKey, accessKeySecret: DEV_KEY.accessKeySecret },
    newKey: (o = {}) => createAccessKey(handle.db, clock, o),
    close: async () => {
      await engine.stop();
      await app.close();
      await handle.close();
      if (config.databaseUrl) await dropPostgresDatabase(config.databaseUrl);
    },
  };
}
