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

/**
 * The scan's SQL for one shape of the filter: the same WHERE as the query-builder version, so
 * the same index (events_delivery) serves it. Parameters: deliveryScanParams, then the limit.
 */
export function deliveryScanSql(scan: Pick<DeliveryScan, 'eventRW' | 'toTime'>): string {
  return (
    `select seq, event_time, event_json from events where account_id = ? and acs_region = ?` +
    ` and seq > ? and seq <= ? and event_time >= ?` +
    (scan.eventRW !== 'All' ? ' and event_rw = ?' : '') +
    (scan.toTime !== undefined ? ' and event_time <= ?' : '') +
    ' order by seq limit ?'
  );
}

/** Where afterSeq is among deliveryScanParams (a scan reading in pages moves it). */
export const AFTER_SEQ_PARAM = 2;

/** deliveryScanSql's parameters but the limit. */
export function deliveryScanParams(scan: DeliveryScan): (string | number)[] {
  const params: (string | number)[] = [
    scan.accountId,
    scan.region,
    scan.afterSeq,
    scan.cutoffSeq,
    scan.fromTime,
  ];
  if (scan.eventRW !== 'All') params.push(scan.eventRW);
  if (scan.toTime !== undefined) params.push(scan.toTime);
  return params;
}

function statementFor(raw: BetterSqlite3.Database, scan: DeliveryScan) {
  let bySql = statements.get(raw);
  if (!bySql) {
    bySql = new Map();
    statements.set(raw, bySql);
  }
  const text = deliveryScanSql(scan);
  let s = bySql.get(text);
  if (!s) {
    s = raw.prepare(text).raw(true);
    bySql.set(text, s);
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
  const rows = statementFor(raw, scan).all(...deliveryScanParams(scan), scan.limit) as [
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
