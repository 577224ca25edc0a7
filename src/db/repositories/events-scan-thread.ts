import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { HelperThread } from '../../lib/helper-thread.js';
import { chunkLayout, PackedChunk, SEPARATOR } from '../../lib/packed-chunk.js';
import { releaseShared, takeShared } from '../../lib/shared-memory-pool.js';
import {
  AFTER_SEQ_PARAM,
  type DeliveryScan,
  deliveryScanParams,
  deliveryScanSql,
} from './events-delivery-scan.js';

/**
 * The delivery scan on a thread of its own ([G] round 6, docs/benchmarks.md), with its own
 * read-only connection to the database file: it reads a chunk of a stream's events and writes
 * them into shared memory (src/lib/packed-chunk.ts), which the SLS-layout body thread reads in
 * turn. On a dense history job the scan (~4 µs per event: SQLite's page reads and the strings
 * it makes) and the strings' garbage were most of the main thread, the job's bottleneck. It
 * reads what the main connection's scan would (same SQL, only committed rows: a history job's
 * events up to its cut-off, a live stream's up to the safe horizon read before). Should the
 * thread fail to start or die, the scan runs on the main connection again: the thread is an
 * accelerator, never a reason for a delivery to fail.
 */

/** Rows per statement run: the strings of one page die young in the thread's heap. */
const PAGE = 500;
/** Connections kept open (one per database file a process uses; tests open many). */
const CONNECTIONS = 4;
/** Its garbage is one page of rows at a time: a small heap keeps the process's RSS down. */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 };

const CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const maybeData = new RegExp(workerData.maybeData, workerData.maybeDataFlags);
const open = new Map();
function connection(key, file) {
  let c = open.get(key);
  if (!c) {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('cache_size = -' + workerData.cacheKib);
    c = { db, statements: new Map() };
    open.set(key, c);
    for (const [k, old] of open) {
      if (open.size <= workerData.connections) break;
      old.db.close();
      open.delete(k);
    }
  }
  return c;
}
function scan(t) {
  const c = connection(t.key, t.file);
  let s = c.statements.get(t.sql);
  if (!s) {
    s = c.db.prepare(t.sql).raw(true);
    c.statements.set(t.sql, s);
  }
  const cap = t.limit;
  let memory = t.memory;
  let bytes, seqs, times, ends, chars, flags;
  const l = t.layout;
  const views = () => {
    bytes = Buffer.from(memory);
    seqs = new Float64Array(memory, l.seqs, cap);
    times = new Float64Array(memory, l.times, cap);
    ends = new Uint32Array(memory, l.ends, cap);
    chars = new Uint32Array(memory, l.chars, cap);
    flags = new Uint8Array(memory, l.flags, cap);
  };
  views();
  let at = l.bytes;
  let n = 0;
  const params = t.params.slice();
  for (;;) {
    const want = Math.min(workerData.page, cap - n);
    const rows = s.all(...params, want);
    for (const r of rows) {
      const json = r[2];
      if (at + json.length * 3 + 1 > memory.byteLength) {
        const need = at + Buffer.byteLength(json) + 1;
        if (need > memory.byteLength) {
          const grown = new SharedArrayBuffer(Math.max(memory.byteLength * 2, need));
          new Uint8Array(grown).set(new Uint8Array(memory, 0, at));
          memory = grown;
          views();
        }
      }
      at += bytes.write(json, at, 'utf8');
      seqs[n] = Number(r[0]);
      times[n] = Number(r[1]);
      ends[n] = at;
      bytes[at++] = workerData.separator;
      chars[n] = json.length;
      flags[n] = maybeData.test(json) ? 1 : 0;
      n++;
    }
    if (rows.length < want || n >= cap) break;
    params[workerData.afterSeqParam] = seqs[n - 1];
  }
  // A grown memory holds a copy of everything written before (all of it lies below at).
  return { count: n, memory };
}
parentPort.on('message', (t) => {
  try {
    const r = scan(t);
    parentPort.postMessage({ id: t.id, count: r.count, memory: r.memory === t.memory ? undefined : r.memory });
  } catch (e) {
    parentPort.postMessage({ id: t.id, error: String(e && e.message) });
  }
});
`;

interface ScanResult {
  id: number;
  count?: number;
  memory?: SharedArrayBuffer;
  error?: string;
}

export interface ScanThreadOptions {
  /** The pattern a maybe-Data event's text matches (store-event-source.ts checks those). */
  maybeData: RegExp;
  /** The thread's SQLite page cache. */
  cacheKib: number;
}

class ScanThread {
  private readonly thread: HelperThread<ScanResult>;
  /** Bytes per event of the last chunk: the next chunk's memory is sized from it. */
  private bytesPerEvent = 1_500;

  constructor(options: ScanThreadOptions) {
    this.thread = new HelperThread<ScanResult>(CODE, {
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        maybeData: options.maybeData.source,
        maybeDataFlags: options.maybeData.flags,
        cacheKib: options.cacheKib,
        connections: CONNECTIONS,
        page: PAGE,
        afterSeqParam: AFTER_SEQ_PARAM,
        separator: SEPARATOR,
      },
      resourceLimits: RESOURCE_LIMITS,
    });
  }

  /** The chunk, or undefined when the thread cannot read it (then the caller scans itself). */
  async scan(key: number, file: string, scan: DeliveryScan): Promise<PackedChunk | undefined> {
    if (!this.thread.usable) return undefined;
    const capacity = scan.limit;
    const layout = chunkLayout(capacity);
    // Sized from the last chunk (the thread grows it when a chunk needs more).
    const memory = takeShared(layout.bytes + Math.ceil(capacity * this.bytesPerEvent * 1.05));
    const result = await this.thread.request({
      key,
      file,
      sql: deliveryScanSql(scan),
      params: deliveryScanParams(scan),
      limit: capacity,
      memory,
      layout,
    });
    // No answer: the thread died, perhaps while writing the memory, which is left to the GC.
    if (result === undefined) return undefined;
    if (result.count === undefined) {
      releaseShared(memory);
      return undefined;
    }
    const used = result.memory ?? memory;
    if (result.memory) releaseShared(memory);
    const chunk = new PackedChunk(used, capacity, result.count);
    if (result.count > 0) {
      const bytes = (chunk.ends[result.count - 1] as number) - layout.bytes;
      this.bytesPerEvent = Math.max(64, bytes / result.count);
    }
    return chunk;
  }

  close(): Promise<void> {
    return this.thread.close();
  }
}

let shared: ScanThread | undefined;
/** One key per native connection: a file path reused by a new database gets a new connection. */
const keys = new WeakMap<BetterSqlite3.Database, number>();
let nextKey = 1;

/**
 * A chunk of a delivery scan read on the scan thread, or undefined when it cannot be (an
 * in-memory database, a thread that failed): the caller then scans on its own connection.
 */
export function scanOnThread(
  raw: BetterSqlite3.Database,
  scan: DeliveryScan,
  options: ScanThreadOptions,
): Promise<PackedChunk | undefined> {
  if (raw.memory || raw.name === '' || raw.name === ':memory:') return Promise.resolve(undefined);
  let key = keys.get(raw);
  if (key === undefined) {
    key = nextKey++;
    keys.set(raw, key);
  }
  shared ??= new ScanThread(options);
  return shared.scan(key, raw.name, scan);
}

/** Stops the scan thread (tests; the process's exit ends it otherwise). */
export async function closeScanThread(): Promise<void> {
  await shared?.close();
  shared = undefined;
}
