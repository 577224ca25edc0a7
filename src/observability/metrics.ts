import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Figures read at scrape time rather than counted as they happen: they live in the database
 * (shared by every node) or in the connection pool. Supplied by whoever owns the database.
 */
export interface MetricSources {
  /** Delivery jobs and live streams by kind (`history`/`live`) and State, deleted ones left out. */
  jobStates(): Promise<ReadonlyArray<{ kind: string; state: string; count: number }>>;
  /** Used nonces remembered for replay protection. */
  nonceCount(): Promise<number>;
  /** The database connection pool (SQLite: its one connection). */
  pool(): { size: number; idle: number; waiting: number };
}

const KNOWN_JOB_STATES: ReadonlyArray<[string, readonly string[]]> = [
  ['history', ['Queued', 'Running', 'Succeeded', 'Failed', 'Stopped']],
  ['live', ['Live', 'Ended']],
];

/**
 * Every Prometheus series opentrail exports, on a registry of its own (so tests can build any
 * number of apps in one process). Labels are Action names, error codes, destination kinds and
 * states only: never an account id, a key id, a secret or anything a caller may choose freely
 * (decisions §2), which also keeps the number of series bounded.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'action' | 'code'>;
  private readonly latency: Histogram<'action'>;
  private readonly ingested: Counter<'result'>;
  private readonly delivered: Counter<'destination'>;
  private readonly deliveryFailures: Counter<'destination' | 'code'>;
  private readonly takeovers: Counter;
  private readonly purged: Counter;
  private readonly heldBack: Gauge;

  /**
   * `processMetrics`: prom-client's process and Node.js figures (CPU, memory, event-loop lag,
   * GC). On for a serving process; off where many apps share one process (tests), since each
   * collector keeps an event-loop monitor running.
   */
  constructor(options: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (options.processMetrics) {
      collectDefaultMetrics({ register: this.registry, prefix: 'opentrail_' });
    }
    this.requests = new Counter({
      name: 'opentrail_requests_total',
      help: 'API requests by Action and outcome (code: OK or the error code answered)',
      labelNames: ['action', 'code'],
      registers,
    });
    this.latency = new Histogram({
      name: 'opentrail_request_duration_seconds',
      help: 'Time from the request arriving to its answer, by Action',
      labelNames: ['action'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.ingested = new Counter({
      name: 'opentrail_events_ingested_total',
      help: 'Events received through POST /v1/events, by result (accepted, duplicate, rejected)',
      labelNames: ['result'],
      registers,
    });
    this.delivered = new Counter({
      name: 'opentrail_events_delivered_total',
      help: 'Events delivered by jobs and live streams, by destination kind (sls, oss)',
      labelNames: ['destination'],
      registers,
    });
    this.deliveryFailures = new Counter({
      name: 'opentrail_delivery_failures_total',
      help: 'Failed delivery attempts, by destination kind and error code',
      labelNames: ['destination', 'code'],
      registers,
    });
    this.takeovers = new Counter({
      name: 'opentrail_lease_takeovers_total',
      help: 'Jobs claimed by this node after another worker let its lease expire',
      registers,
    });
    this.purged = new Counter({
      name: 'opentrail_retention_purged_events_total',
      help: 'Events deleted by the retention purge',
      registers,
    });
    this.heldBack = new Gauge({
      name: 'opentrail_retention_held_back_events',
      help: 'Expired events the last retention pass kept because a delivery still needs them',
      registers,
    });
  }

  request(action: string, code: string, seconds: number): void {
    this.requests.inc({ action, code });
    this.latency.observe({ action }, seconds);
  }

  eventsIngested(counts: { accepted: number; duplicates: number; rejected: number }): void {
    this.ingested.inc({ result: 'accepted' }, counts.accepted);
    this.ingested.inc({ result: 'duplicate' }, counts.duplicates);
    this.ingested.inc({ result: 'rejected' }, counts.rejected);
  }

  eventsDelivered(destination: string, count: number): void {
    this.delivered.inc({ destination }, count);
  }

  deliveryFailed(destination: string, code: string): void {
    this.deliveryFailures.inc({ destination, code });
  }

  leaseTakenOver(): void {
    this.takeovers.inc();
  }

  retentionPass(report: { deleted: number; heldBack: number }): void {
    this.purged.inc(report.deleted);
    this.heldBack.set(report.heldBack);
  }

  /** Registers the scrape-time gauges; called once by whoever opened the database. */
  observe(sources: MetricSources): void {
    const registers = [this.registry];
    new Gauge({
      name: 'opentrail_delivery_jobs',
      help: 'Delivery jobs (kind=history) and live streams (kind=live) by State',
      labelNames: ['kind', 'state'],
      registers,
      async collect() {
        this.reset();
        // Known states always show (as 0), so a dashboard's series exist before any job does.
        for (const [kind, states] of KNOWN_JOB_STATES) {
          for (const state of states) this.set({ kind, state }, 0);
        }
        for (const row of await sources.jobStates()) {
          this.set({ kind: row.kind, state: row.state }, row.count);
        }
      },
    });
    new Gauge({
      name: 'opentrail_nonces',
      help: 'Signature nonces remembered against replays',
      registers,
      async collect() {
        this.set(await sources.nonceCount());
      },
    });
    new Gauge({
      name: 'opentrail_db_pool_connections',
      help: 'Database connections by state (size: open; idle; waiting: queries queued for one)',
      labelNames: ['state'],
      registers,
      collect() {
        const pool = sources.pool();
        this.set({ state: 'size' }, pool.size);
        this.set({ state: 'idle' }, pool.idle);
        this.set({ state: 'waiting' }, pool.waiting);
      },
    });
  }

  /** The exposition text and its content type, for GET /metrics. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
