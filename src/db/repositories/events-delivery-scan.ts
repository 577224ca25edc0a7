import type BetterSqlite3 from 'better-sqlite3';

/** What a delivery scan filters on (both scans: this native one and events.repository's). */
export interface DeliveryScan {
  accountId: string;
  region: string;
  /** A trail's EventRW: 'All' means no filter. */
  eventRW: 'All' | 'Read' | 'Write';
  /** Oldest eventTime (epoch ms) delivered. */
  fromTime: number;
  /** Newest eventTime delivered (a chosen window's end, inclusive); none by default. */
  toTime?: number | undefined;
  /** Exclusive lower bound (a checkpoint); 0 to start at the beginning. */
  afterSeq: number;
  /** Inclusive upper bound (a job's cut-off or the safe horizon). */
  cutoffSeq: number;
  limit: number;
}

export interface DeliveryRow {
  seq: number;
  eventTime: number;
  eventJson: string;
}

/** One statement per shape of the filter (EventRW given or not, window end given or not). */
const statements = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

function statementFor(raw: BetterSqlite3.Database, rw: boolean, to: boolean) {
  let byShape = statements.get(raw);
  if (!byShape) {
    byShape = new Map();
    statements.set(raw, byShape);
  }
  const shape = `${rw}${to}`;
  let s = byShape.get(shape);
  if (!s) {
    // Same WHERE as the query-builder version, so the same index (events_delivery) serves it.
    s = raw
      .prepare(
        `select seq, event_time, event_json from events where account_id = ? and acs_region = ?` +
          ` and seq > ? and seq <= ? and event_time >= ?` +
          (rw ? ' and event_rw = ?' : '') +
          (to ? ' and event_time <= ?' : '') +
          ' order by seq limit ?',
      )
      .raw(true);
    byShape.set(shape, s);
  }
  return s;
}

/**
 * The delivery scan on SQLite's native connection ([G] round 4, docs/benchmarks.md): a prepared
 * statement returning rows as arrays, instead of compiling the query per chunk and building two
 * objects per row through the query builder — on a dense history job that was a third of the
 * main thread. The caller holds the Kysely connection (see sqlite-native.ts).
 */
export function scanEventsNative(raw: BetterSqlite3.Database, scan: DeliveryScan): DeliveryRow[] {
  const rw = scan.eventRW !== 'All';
  const to = scan.toTime !== undefined;
  const params: unknown[] = [
    scan.accountId,
    scan.region,
    scan.afterSeq,
    scan.cutoffSeq,
    scan.fromTime,
  ];
  if (rw) params.push(scan.eventRW);
  if (to) params.push(scan.toTime);
  params.push(scan.limit);
  const rows = statementFor(raw, rw, to).all(...params) as [
    number | bigint,
    number | bigint,
    string,
  ][];
  const out = new Array<DeliveryRow>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as [number | bigint, number | bigint, string];
    out[i] = { seq: Number(r[0]), eventTime: Number(r[1]), eventJson: r[2] };
  }
  return out;
}
