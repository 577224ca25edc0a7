import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../../config/config.js';
import type { Database } from '../../db/schema.js';
import type { AccessKeyLookup } from '../../domain/accounts/access-key-cache.js';
import type { DevControls } from '../../domain/emulator/dev-controls.js';
import type { Readiness } from '../../domain/operations/readiness.js';
import type { Clock } from '../../lib/clock.js';
import type { Metrics } from '../../observability/metrics.js';
import type { RpcParams } from '../rpc/params.js';

/** Who called: resolved from the verified AccessKey. Every query is scoped to `accountId`. */
export interface Caller {
  readonly accountId: string;
  readonly accessKeyId: string;
  readonly keyKind: 'long_term' | 'sts';
  readonly admin: boolean;
}

export interface RequestInfo {
  readonly requestId: string;
  /** decisions §1: from a Host of the form `actiontrail.<region>.…`, else the home region. */
  readonly region: string;
  readonly host: string;
  readonly sourceIp: string;
  readonly userAgent: string;
}

/** What every Action and background task may use; built once in app.ts. */
export interface AppServices {
  readonly config: Config;
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Key lookups for authentication (the in-memory AccessKeyCache); absent, the database. */
  readonly accessKeys?: AccessKeyLookup | undefined;
  /** The in-process delivery engine, when this process runs one: woken when a job is created. */
  readonly deliveryEngine?: { wake(): void } | undefined;
  /** With an OSS endpoint configured: the bucket's location, or why a trail may not use it. */
  readonly ossBucketCheck?: ((bucket: string) => Promise<string>) | undefined;
  /** Prometheus series (/metrics); absent, nothing is counted. */
  readonly metrics?: Metrics | undefined;
  /** `/readyz`: database, schema, engine; absent, the app reports ready once it answers. */
  readonly readiness?: (() => Promise<Readiness>) | undefined;
  /** Emulator mode (`serve --dev`) only: the test hooks' state; absent, every hook is 404. */
  readonly dev?: DevControls | undefined;
  /**
   * The real time for signature timestamps, nonces and STS expiry, when `clock` is shifted
   * (the emulator's clock hook): clients sign with their own clock, which the hook cannot move.
   */
  readonly wallClock?: Clock | undefined;
}

export interface ActionContext {
  readonly params: RpcParams;
  readonly caller: Caller;
  readonly request: RequestInfo;
  readonly services: AppServices;
}

/** The body fields of a success answer; the gateway adds `RequestId`. */
export type ActionResult = Record<string, unknown>;

export interface ActionDefinition {
  /** The wire Action name, e.g. `ListDeliveryHistoryJobs`. */
  readonly name: string;
  /** ActionTrail's eventRW for the self-audit record. */
  readonly eventRW: 'Read' | 'Write';
  handle(ctx: ActionContext): Promise<ActionResult>;
}
