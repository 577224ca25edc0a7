import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import {
  countEventsBefore,
  nextEventAccount,
  purgeEventBatch,
} from '../../db/repositories/event-retention.repository.js';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import { DAY_MS } from '../../lib/time.js';
import type { DayPartitions } from './day-partitions.js';

/** What a hold still needs: every event with seq ≥ `seq` and every event with time ≥ `time`. */
export interface NeededEvents {
  seq?: number;
  time?: number;
}

/**
 * Something that still needs old events (a delivery job's undelivered range, a live delivery's
 * backlog; decisions §3). The purge asks every registered hold before each pass and never
 * deletes an event a hold needs. `undefined` means "nothing".
 */
export interface RetentionHold {
  readonly name: string;
  lowestNeeded(): Promise<NeededEvents | undefined>;
}

/** The holds the purge asks; [C1] registers its jobs' and live deliveries' holds here. */
export class RetentionHolds {
  private readonly holds = new Set<RetentionHold>();

  /** Returns the function that removes the hold again. */
  register(hold: RetentionHold): () => void {
    this.holds.add(hold);
    return () => this.holds.delete(hold);
  }

  /** The combined need: the lowest seq and the lowest time any hold asks for. */
  async lowestNeeded(): Promise<NeededEvents & { by: string[] }> {
    const out: NeededEvents & { by: string[] } = { by: [] };
    for (const hold of this.holds) {
      const need = await hold.lowestNeeded();
      if (!need || (need.seq === undefined && need.time === undefined)) continue;
      out.by.push(hold.name);
      if (need.seq !== undefined) out.seq = Math.min(out.seq ?? need.seq, need.seq);
      if (need.time !== undefined) out.time = Math.min(out.time ?? need.time, need.time);
    }
    return out;
  }
}

export interface PurgeReport {
  /** Events older than this (epoch ms) are expired. */
  expiredBefore: number;
  deleted: number;
  /** Expired events kept because a hold still needs them. */
  heldBack: number;
  /** Names of the holds that asked for something this pass. */
  holds: string[];
  /** Days whose partitions were dropped whole (only where events are partitioned by day). */
  droppedDays?: number[];
}

export interface RetentionOptions {
  db: Kysely<Database>;
  clock: Clock;
  retentionDays: number;
  holds: RetentionHolds;
  logger?: Logger | undefined;
  /** Events deleted per transaction. */
  batchSize?: number;
  /** Day partitions (PostgreSQL): expired days go whole instead of row by row. */
  partitions?: DayPartitions | undefined;
  /** Told about every finished pass (/metrics counts the purged events). */
  onPass?: ((report: PurgeReport) => void) | undefined;
}

const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Deletes events older than the retention in small batches, yielding to the event loop between
 * batches so requests are never blocked for long, and never past what a hold needs. A hold
 * that fails to answer stops the pass: nothing is deleted on a guess.
 */
export class RetentionPurger {
  private running: Promise<PurgeReport> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private active = false;
  private readonly batchSize: number;

  constructor(private readonly options: RetentionOptions) {
    this.batchSize = options.batchSize ?? 1000;
  }

  /** One full pass; concurrent calls share the pass in progress. */
  purgeOnce(): Promise<PurgeReport> {
    if (!this.running) {
      this.running = this.pass()
        .then((report) => {
          this.options.onPass?.(report);
          return report;
        })
        .finally(() => {
          this.running = undefined;
        });
    }
    return this.running;
  }

  private async pass(): Promise<PurgeReport> {
    const { db, clock, retentionDays, holds } = this.options;
    const expiredBefore = clock.now() - retentionDays * DAY_MS;
    const need = await holds.lowestNeeded();
    const before = Math.min(expiredBefore, need.time ?? expiredBefore);
    const restricted = need.seq !== undefined || before < expiredBefore;
    const report: PurgeReport = { expiredBefore, deleted: 0, heldBack: 0, holds: need.by };
    if (this.options.partitions)
      await this.dropWholeDays(this.options.partitions, before, need, report);

    // Row by row: whatever no whole day took (the day the limit falls in, events waiting in
    // the default partition, days a hold keeps), and every event on SQLite.
    let account = await nextEventAccount(db, undefined);
    while (account !== undefined) {
      for (;;) {
        const n = await purgeEventBatch(db, {
          accountId: account,
          before,
          belowSeq: need.seq,
          limit: this.batchSize,
        });
        report.deleted += n;
        await yieldToRequests();
        if (n < this.batchSize) break;
      }
      if (restricted) report.heldBack += await countEventsBefore(db, account, expiredBefore);
      account = await nextEventAccount(db, account);
    }
    return report;
  }

  /**
   * Drops each day that lies wholly before `before` and whose events all lie below the holds'
   * lowest seq, then forgets the dropped days' event ids in batches.
   */
  private async dropWholeDays(
    partitions: DayPartitions,
    before: number,
    need: NeededEvents,
    report: PurgeReport,
  ): Promise<void> {
    report.droppedDays = [];
    const lastWholeDay = Math.floor(before / DAY_MS) - 1;
    for (const day of await partitions.listDays()) {
      if (day > lastWholeDay) break;
      const dropped = await partitions.dropDay(day, need.seq);
      if (dropped !== undefined) {
        report.deleted += dropped;
        report.droppedDays.push(day);
      }
      await yieldToRequests();
    }
    while (await partitions.forgetDroppedIds(10_000)) await yieldToRequests();
  }

  /** Runs a pass every `intervalMs` in the background (serve); errors are logged, not thrown. */
  start(intervalMs: number): void {
    this.active = true;
    const tick = () => {
      this.purgeOnce()
        .then((r) => {
          if (r.deleted > 0 || r.heldBack > 0) this.options.logger?.info(r, 'event retention');
        })
        .catch((err: unknown) => this.options.logger?.warn({ err }, 'event retention failed'))
        .finally(() => {
          if (this.active) this.schedule(tick, intervalMs);
        });
    };
    this.schedule(tick, intervalMs);
  }

  private schedule(tick: () => void, ms: number): void {
    this.timer = setTimeout(tick, ms);
    this.timer.unref();
  }

  /** Stops the loop and waits for a pass in progress. */
  async stop(): Promise<void> {
    this.active = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }
}
