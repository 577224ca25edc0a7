import type { Kysely } from 'kysely';
import type { DatabaseHandle } from '../../db/open-database.js';
import {
  deleteAllState,
  findHistoryJob,
  setKeyAdmin,
} from '../../db/repositories/emulator.repository.js';
import type { Database } from '../../db/schema.js';
import { ApiError, errors } from '../../errors/api-error.js';
import type { ForcedFailure, JobSteering } from '../../jobs/engine/delivery-engine.js';
import type { Clock } from '../../lib/clock.js';
import { type BootstrapPresets, bootstrapAccounts } from '../accounts/bootstrap.js';
import { PUBLISHED_QUOTAS, RateLimiter } from './rate-limits.js';

/** The key `serve --dev` creates unless presets are given (documented in docs/emulator.md). */
export const DEV_KEY = {
  accountId: '1234567890123456',
  accessKeyId: 'LTAIopentrailDevKey00000',
  accessKeySecret: 'opentrail-dev-secret',
} as const;

/** The codes a fault may inject: the two every SDK retries on (openapi-protocol.md §6.2). */
export const FAULT_CODES = ['ServiceUnavailable', 'Throttling.User'] as const;
export type FaultCode = (typeof FAULT_CODES)[number];

interface Fault {
  code: FaultCode;
  remaining: number;
  retryAfterMs: number;
}

/** A clock running at the system's pace, shifted by an offset the clock hook sets. */
export class OffsetClock implements Clock {
  offsetMs = 0;
  constructor(private readonly base: Clock) {}
  now(): number {
    return this.base.now() + this.offsetMs;
  }
}

/**
 * The state behind the emulator-mode test hooks (docs/emulator.md): injected faults, the
 * published rate limits, held and forced-to-fail delivery jobs, the clock offset. In memory on
 * purpose: dev mode is one process, and a restart should forget how a test steered it.
 */
export class DevControls implements JobSteering {
  readonly clock: OffsetClock;
  private readonly faults = new Map<string, Fault>();
  private readonly limiter: RateLimiter;
  private rateLimitsOn: boolean;
  private holdAll: 0 | 1 | undefined;
  /** Per-job holds; 'free': released by id while a hold on all jobs is in force. */
  private readonly heldJobs = new Map<number, 0 | 1 | 'free'>();
  private failAll: (ForcedFailure & { region?: string | undefined }) | undefined;
  private readonly failedJobs = new Map<number, ForcedFailure & { region?: string | undefined }>();
  private wake: () => void = () => {};

  constructor(
    private readonly deps: {
      handle: DatabaseHandle;
      baseClock: Clock;
      presets: BootstrapPresets;
      rateLimits: boolean;
      lookupEventsPerSecond: number;
    },
  ) {
    this.clock = new OffsetClock(deps.baseClock);
    this.limiter = new RateLimiter(this.clock, {
      ...PUBLISHED_QUOTAS,
      LookupEvents: deps.lookupEventsPerSecond,
    });
    this.rateLimitsOn = deps.rateLimits;
  }

  private get db(): Kysely<Database> {
    return this.deps.handle.db;
  }

  /** The engine to wake when a hold is released (created after these controls). */
  attachEngine(engine: { wake(): void }): void {
    this.wake = () => engine.wake();
  }

  /** Creates the dev key (or applies the presets) and flags it admin; the hooks need one. */
  async bootstrap(): Promise<{ accountId: string; accessKeyId: string }> {
    const presets = this.deps.presets;
    const given = presets.accessKeyId !== undefined;
    const effective = given ? presets : { ...DEV_KEY, ...dropUndefined(presets) };
    await bootstrapAccounts(this.deps.handle, this.clock, effective);
    const accessKeyId = effective.accessKeyId as string;
    await setKeyAdmin(this.db, accessKeyId);
    return { accountId: effective.accountId ?? DEV_KEY.accountId, accessKeyId };
  }

  // ---- request path ------------------------------------------------------------------------

  /** Before an authenticated Action runs: an injected fault, else the rate limit, may refuse it. */
  beforeAction(accessKeyId: string, action: string): void {
    const fault = this.faults.get(action);
    if (fault) {
      fault.remaining -= 1;
      if (fault.remaining <= 0) this.faults.delete(action);
      if (fault.code === 'ServiceUnavailable') throw new ApiError('ServiceUnavailable');
      throw new ApiError('Throttling.User', undefined, { retryAfterMs: fault.retryAfterMs });
    }
    if (!this.rateLimitsOn) return;
    const wait = this.limiter.take(accessKeyId, action);
    if (wait !== undefined) {
      throw new ApiError('Throttling.User', undefined, { retryAfterMs: wait });
    }
  }

  // ---- hooks -------------------------------------------------------------------------------

  injectFault(action: string, code: FaultCode, count: number, retryAfterMs: number): void {
    this.faults.set(action, { code, remaining: count, retryAfterMs });
  }

  clearFaults(): void {
    this.faults.clear();
  }

  setRateLimits(enabled: boolean): Record<string, number> {
    this.rateLimitsOn = enabled;
    this.limiter.clear();
    return { ...PUBLISHED_QUOTAS, LookupEvents: this.deps.lookupEventsPerSecond };
  }

  setClockOffset(ms: number): number {
    this.clock.offsetMs = ms;
    return this.clock.now();
  }

  /** Holds one job (it must still be at `status` or before), or every history job. */
  async hold(status: 0 | 1, jobId: number | undefined): Promise<void> {
    if (jobId === undefined) {
      this.holdAll = status;
      return;
    }
    const job = await this.jobOrThrow(jobId);
    if (job.job_status > status) {
      throw errors.detailed(
        'InvalidJobStatus',
        `Job ${jobId} is at JobStatus ${job.job_status} already; it can be held at ${status} only before.`,
      );
    }
    this.heldJobs.set(jobId, status);
  }

  /** Releases one job's hold, or every hold; the engine looks at once. */
  release(jobId: number | undefined): void {
    if (jobId === undefined) {
      this.holdAll = undefined;
      this.heldJobs.clear();
    } else if (this.holdAll !== undefined) {
      this.heldJobs.set(jobId, 'free');
    } else {
      this.heldJobs.delete(jobId);
    }
    this.wake();
  }

  async forceFailure(
    jobId: number | undefined,
    failure: ForcedFailure & { region?: string | undefined },
  ): Promise<void> {
    if (jobId === undefined) {
      this.failAll = failure;
    } else {
      const job = await this.jobOrThrow(jobId);
      if (job.job_status > 1) {
        throw errors.detailed('InvalidJobStatus', `Job ${jobId} has ended already.`);
      }
      this.failedJobs.set(jobId, failure);
    }
    this.wake();
  }

  clearFailures(): void {
    this.failAll = undefined;
    this.failedJobs.clear();
  }

  /** Deletes all state, forgets every control, and creates the dev key again. */
  async reset(): Promise<{ accountId: string; accessKeyId: string }> {
    this.faults.clear();
    this.limiter.clear();
    this.holdAll = undefined;
    this.heldJobs.clear();
    this.clearFailures();
    this.clock.offsetMs = 0;
    await deleteAllState(this.db, this.deps.handle.dialect.eventPartitions !== undefined);
    return this.bootstrap();
  }

  private async jobOrThrow(jobId: number): Promise<{ job_status: number }> {
    const job = await findHistoryJob(this.db, jobId);
    if (!job) throw new ApiError('DeliveryHistoryJobNotFound');
    return job;
  }

  // ---- JobSteering (the delivery engine asks) ---------------------------------------------

  heldAtQueued():
    | { all: false; ids: ReadonlySet<number> }
    | { all: true; except: ReadonlySet<number> } {
    const ids = (keep: (s: 0 | 1 | 'free') => boolean) =>
      new Set([...this.heldJobs].filter(([, s]) => keep(s)).map(([id]) => id));
    // A job's own hold (or release) beats the hold on all: held at 1, it must be claimed.
    if (this.holdAll === 0) return { all: true, except: ids((s) => s !== 0) };
    return { all: false, ids: ids((s) => s === 0) };
  }

  heldAtRunning(job: { id: number; kind: string }): boolean {
    if (job.kind !== 'history') return false;
    const own = this.heldJobs.get(job.id);
    if (own !== undefined) return own !== 'free';
    return this.holdAll !== undefined;
  }

  forcedFailure(job: { id: number; kind: string }, region: string): ForcedFailure | undefined {
    if (job.kind !== 'history') return undefined;
    const rule = this.failedJobs.get(job.id) ?? this.failAll;
    if (!rule || (rule.region !== undefined && rule.region !== region)) return undefined;
    return { code: rule.code, message: rule.message };
  }
}

function dropUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
