import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Capabilities } from '../../db/dialects/dialect.js';
import {
  claimNextJob,
  releaseJob,
  renewLease,
  sweepExpiredLeases,
} from '../../db/repositories/delivery-leases.repository.js';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import type { Metrics } from '../../observability/metrics.js';
import type { Destination, Sink } from '../../sinks/sink.js';
import type { CrashPoint } from '../crash-points.js';
import type { EventSource } from '../event-source.js';
import { runDeliverySlice, type SliceOutcome } from '../tasks/deliver-history.task.js';
import { ChunkReadAhead } from '../tasks/read-ahead.js';
import type { EngineOptions } from './engine-options.js';

export interface EngineDeps {
  db: Kysely<Database>;
  capabilities: Capabilities;
  clock: Clock;
  logger: Logger;
  events: EventSource;
  sinkFor(destination: Destination): Sink;
  options: EngineOptions;
  /** Identifies this engine in leases; unique per process. */
  owner?: string;
  /**
   * Wake-ups from other nodes (PostgreSQL LISTEN/NOTIFY): subscribed while the engine runs.
   * Polling every `pollMs` stays the fallback.
   */
  watchNewJobs?: (
    wake: () => void,
    onError: (err: unknown) => void,
  ) => Promise<() => Promise<void>>;
  random?: () => number;
  crashPoint?: CrashPoint;
  metrics?: Metrics | undefined;
  /**
   * Emulator mode (`serve --dev`): decides per claimed job whether this slice runs, or the job
   * is handed back untouched (a job held at JobStatus 1), and whether a region is forced to
   * fail. Unset in production.
   */
  steering?: JobSteering | undefined;
}

/** What the dev-mode hooks may do to the engine (src/domain/emulator/dev-controls.ts). */
export interface JobSteering {
  /**
   * History jobs the claim must leave at JobStatus 0: these ids, or every one but `except`
   * (jobs held at 1 instead, which must be claimed to get there).
   */
  heldAtQueued():
    | { all: false; ids: ReadonlySet<number> }
    | { all: true; except: ReadonlySet<number> };
  /** True when this (claimed) job must not run now: it stays at JobStatus 1. */
  heldAtRunning(job: { id: number; kind: string }): boolean;
  /** An error to fail this stream with at once, instead of delivering; undefined to deliver. */
  forcedFailure(job: { id: number; kind: string }, region: string): ForcedFailure | undefined;
}

export interface ForcedFailure {
  code: string;
  message: string;
}

/**
 * The delivery engine: a pool of workers that claim jobs under a lease, run one slice, and give
 * the job back to the queue (rotation). `runOnce()` and `sweepOnce()` are public so tests drive
 * the engine without timers (architecture lesson 12).
 */
export class DeliveryEngine {
  /** History chunks read and prepared while the previous one is sent (tasks/read-ahead.ts). */
  private readonly readAhead = new ChunkReadAhead();
  readonly owner: string;
  private running = false;
  private loops: Promise<void>[] = [];
  private wakeWaiters: Array<() => void> = [];
  /** Aborted at once by stop(): in-flight sends are cut (their batches are sent again later). */
  private stopController = new AbortController();
  /** Aborted first by a graceful stop: no new batch or chunk starts; sends in flight finish. */
  private drainController = new AbortController();
  private watching: Promise<(() => Promise<void>) | undefined> = Promise.resolve(undefined);

  constructor(private readonly deps: EngineDeps) {
    this.owner = deps.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  /** Claims one runnable job and runs one slice of it. False when there was nothing to do. */
  async runOnce(workerId = 0): Promise<boolean> {
    const { db, clock, options } = this.deps;
    const owner = `${this.owner}#${workerId}`;
    const job = await claimNextJob(
      db,
      this.deps.capabilities,
      owner,
      clock.now(),
      options.leaseMs,
      {
        skipHistory: this.deps.steering?.heldAtQueued(),
      },
    );
    if (!job) return false;
    if (job.taken_over_from !== null) {
      this.deps.metrics?.leaseTakenOver();
      this.deps.logger.info(
        { jobId: job.id, from: job.taken_over_from },
        'lease taken over from a worker that stopped renewing it',
      );
    }
    if (this.deps.steering?.heldAtRunning(job)) {
      // Held (dev mode): back to the queue untouched, looked at again after a poll interval.
      await releaseJob(db, job.id, owner, clock.now() + options.pollMs);
      return true;
    }
    const slice = new AbortController();
    const onStop = () => slice.abort();
    this.stopController.signal.addEventListener('abort', onStop);
    // Heartbeat: renew at a third of the lease; losing it aborts the slice at the next batch.
    const heartbeat = setInterval(
      () => {
        this.deps.crashPoint?.('during-renewal');
        renewLease(db, job.id, owner, clock.now(), options.leaseMs).then(
          (ok) => ok || slice.abort(),
          () => slice.abort(),
        );
      },
      Math.max(10, Math.floor(options.leaseMs / 3)),
    );
    heartbeat.unref();
    let outcome: SliceOutcome;
    try {
      outcome = await runDeliverySlice(job, {
        ...this.deps,
        owner,
        signal: slice.signal,
        draining: this.drainController.signal,
        readAhead: options.readAhead ? this.readAhead : undefined,
      });
    } catch (err) {
      this.deps.logger.error({ err, jobId: job.id }, 'delivery slice crashed; retrying later');
      outcome = { kind: 'retry', at: clock.now() + options.backoffMaxMs };
    } finally {
      clearInterval(heartbeat);
      this.stopController.signal.removeEventListener('abort', onStop);
    }
    // A chunk read ahead is kept only for a job this engine goes on with.
    if (outcome.kind === 'finished' || outcome.kind === 'lost') this.readAhead.forgetJob(job.id);
    // 'lost' also releases: after a graceful stop the job is free at once for the next process
    // (when the lease really went to someone else, the owner-conditioned update is a no-op).
    if (outcome.kind === 'continue' || outcome.kind === 'lost') {
      await releaseJob(db, job.id, owner, clock.now());
    }
    if (outcome.kind === 'retry') await releaseJob(db, job.id, owner, outcome.at);
    return true;
  }

  /** Returns expired leases to the queue. */
  sweepOnce(): Promise<number> {
    return sweepExpiredLeases(this.deps.db, this.deps.clock.now());
  }

  /** Runs until nothing is runnable (tests and `--once` tools). */
  async drain(maxSlices = 1_000_000): Promise<number> {
    let n = 0;
    while (n < maxSlices && (await this.runOnce())) n++;
    return n;
  }

  /** A new job was created in this process: do not wait for the next poll. */
  wake(): void {
    const waiters = this.wakeWaiters;
    this.wakeWaiters = [];
    for (const w of waiters) w();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (let i = 0; i < this.deps.options.workers; i++) this.loops.push(this.loop(i));
    const { watchNewJobs, logger } = this.deps;
    if (watchNewJobs) {
      this.watching = watchNewJobs(
        () => this.wake(),
        (err) => logger.warn({ err }, 'job wake-ups lost; polling until they are back'),
      ).catch((err: unknown) => {
        logger.warn({ err }, 'job wake-ups unavailable; polling');
        return undefined;
      });
    }
  }

  /** True between start() and stop(): /readyz reports it. */
  isRunning(): boolean {
    return this.running;
  }

  /** Resolves once wake-ups from other nodes are subscribed (tests wait for it). */
  async watchingNewJobs(): Promise<boolean> {
    return (await this.watching) !== undefined;
  }

  /**
   * Stops claiming. With `graceMs`, the slices under way first get that long to see their
   * batches in flight acknowledged and checkpointed (no new batch starts meanwhile), so a
   * SIGTERM leaves nothing to send twice; whatever is still in flight then is cut off and sent
   * again by the next claim. Either way the jobs are released for the next process at once.
   */
  async stop(options: { graceMs?: number } = {}): Promise<void> {
    this.running = false;
    this.drainController.abort();
    this.wake();
    const graceMs = options.graceMs ?? 0;
    const loops = Promise.allSettled(this.loops);
    if (graceMs > 0) {
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), graceMs);
      });
      const timedOut = await Promise.race([loops.then(() => false), expired]);
      clearTimeout(timer);
      if (timedOut) {
        this.deps.logger.warn({ graceMs }, 'deliveries still in flight at shutdown; cut off');
      }
    }
    this.stopController.abort();
    await loops;
    this.loops = [];
    // Stopped for good only for this run: start() (or drain()) after a stop works afresh.
    this.stopController = new AbortController();
    this.drainController = new AbortController();
    const unwatch = await this.watching;
    this.watching = Promise.resolve(undefined);
    await unwatch?.();
  }

  private async loop(workerId: number): Promise<void> {
    while (this.running) {
      let worked = false;
      try {
        worked = await this.runOnce(workerId);
      } catch (err) {
        this.deps.logger.error({ err }, 'delivery worker error');
      }
      if (!worked && this.running) await this.idle();
      else await new Promise((r) => setImmediate(r)); // let API requests in between slices
    }
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.deps.options.pollMs);
      timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeWaiters.push(done);
    });
  }
}
