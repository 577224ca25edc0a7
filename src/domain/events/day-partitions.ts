import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { CreateDayHooks, EventPartitions } from '../../db/dialects/dialect.js';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import { DAY_MS } from '../../lib/time.js';

/** The day partitions of one database (capabilities of the PostgreSQL dialect). */
export interface DayPartitions {
  listDays(): Promise<number[]>;
  createDay(day: number, hooks?: CreateDayHooks): Promise<boolean>;
  dropDay(day: number, belowSeq?: number): Promise<number | undefined>;
  forgetDroppedIds(limit: number): Promise<boolean>;
}

export function dayPartitionsOf(
  partitions: EventPartitions | undefined,
  db: Kysely<Database>,
): DayPartitions | undefined {
  if (!partitions) return undefined;
  return {
    listDays: () => partitions.listDays(db),
    createDay: (day, hooks) => partitions.createDay(db, day, hooks),
    dropDay: (day, belowSeq) => partitions.dropDay(db, day, belowSeq),
    forgetDroppedIds: (limit) => partitions.forgetDroppedIds(db, limit),
  };
}

export interface MaintenanceOptions {
  partitions: DayPartitions;
  clock: Clock;
  retentionDays: number;
  /** Days after today created ahead, so midnight never finds its partition missing. */
  daysAhead?: number;
  logger?: Logger | undefined;
}

/**
 * Days before today that get partitions of their own at most: the 90-day backfill window
 * (decisions §5) and some margin. A retention of years would otherwise mean tens of thousands
 * of partitions (each a table with 13 indexes, twice); older events stay in the DEFAULT
 * partition and retention deletes them row by row.
 */
export const MAX_PARTITIONED_PAST_DAYS = 100;

/**
 * Keeps a partition for every day events may be stored for: from the retention's first day
 * (ingest and import accept nothing older), at most MAX_PARTITIONED_PAST_DAYS back, to
 * `daysAhead` days after today. Creating a day
 * takes a few milliseconds; the first start of a new database creates the whole window (about
 * 1.5 s for 95 days on a 2-core machine), today first. Events of a day without a partition
 * are never refused: they wait in the default partition and move when the day is created.
 */
export class DayPartitionMaintenance {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number[]> | undefined;
  /** Set by stop(): ends the pass under way and schedules no more. */
  private stopped = false;

  constructor(private readonly options: MaintenanceOptions) {}

  /** The window's days, nearest first: today and the days ahead, then backwards. */
  windowDays(): number[] {
    const today = Math.floor(this.options.clock.now() / DAY_MS);
    const ahead = this.options.daysAhead ?? 2;
    const days: number[] = [];
    for (let d = 0; d <= ahead; d++) days.push(today + d);
    const past = Math.min(this.options.retentionDays, MAX_PARTITIONED_PAST_DAYS);
    for (let d = 1; d <= past; d++) days.push(today - d);
    return days;
  }

  /** Creates the window's missing days; returns them. Concurrent calls share one pass. */
  runOnce(): Promise<number[]> {
    if (!this.running) {
      this.running = this.pass().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  private async pass(): Promise<number[]> {
    const { partitions } = this.options;
    const have = new Set(await partitions.listDays());
    const created: number[] = [];
    for (const day of this.windowDays()) {
      if (this.stopped) break; // the rest waits for the next start
      if (have.has(day)) continue;
      if (await partitions.createDay(day)) created.push(day);
      await new Promise((resolve) => setImmediate(resolve)); // requests go first
    }
    return created;
  }

  /** Runs a pass now and then every `intervalMs` (serve); errors are logged, not thrown. */
  start(intervalMs: number): void {
    const tick = () => {
      this.runOnce()
        .then((days) => {
          if (days.length > 0)
            this.options.logger?.info({ days: days.length }, 'event partitions created');
        })
        .catch((err: unknown) =>
          this.options.logger?.warn({ err }, 'event partitions: maintenance failed'),
        )
        .finally(() => {
          if (this.stopped) return;
          this.timer = setTimeout(tick, intervalMs);
          this.timer.unref();
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }
}
