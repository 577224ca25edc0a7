import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';

/**
 * The checkpointer thread's code (plain CommonJS, so it runs the same from src/ through tsx and
 * from dist/). Its own connection copies the WAL into the database file with PASSIVE
 * checkpoints, which wait for no reader or writer and block none.
 *
 * A PASSIVE checkpoint copies the frames committed before it started; SQLite starts the WAL
 * over from its beginning only when a writer finds every frame copied. Under a steady load
 * (the signed API commits a group every few ms) one pass every 250 ms never ends with every
 * frame copied, so the WAL grew by every page written: ~300 MB in 20,000 signed requests,
 * without bound while the load lasted ([G] round 9). Past catchUpFrames frames the thread
 * therefore runs the next pass at once, each copying only what was committed during the last
 * (an fsync here takes ~0.1 ms), until one ends with nothing left and the next commit starts
 * the WAL over. A pass never blocks a writer, so the event loop never waits for it; while a
 * reader holds an old snapshot, no pass gets further and, after ~100 ms of trying, the thread
 * waits an interval between passes as before.
 */
const CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
let timer;
let stopped = false;
let copied = -1;
let idle = 0;
const run = () => {
  if (stopped) return;
  let next = workerData.intervalMs;
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    // r.log: the WAL's length when the pass began, all of it copied unless a reader on an old
    // snapshot holds the copy back. Until the WAL starts over, pass again: at once while passes
    // gain, every 2 ms while they do not (the next commit restarts the WAL, or a reader holds
    // it), for at most ~100 ms of such passes.
    if (r && r.log >= workerData.catchUpFrames) {
      idle = r.checkpointed === copied ? idle + 1 : 0;
      if (idle === 0) next = 0;
      else if (idle < 50) next = 2;
    } else idle = 0;
    copied = r ? r.checkpointed : -1;
  } catch (e) {
    parentPort.postMessage({ failed: String(e && e.message) });
    return;
  }
  timer = next === 0 ? setImmediate(run) : setTimeout(run, next);
};
timer = setTimeout(run, workerData.intervalMs);
parentPort.on('message', () => {
  stopped = true;
  clearTimeout(timer);
  clearImmediate(timer);
  try { db.close(); } catch {}
  parentPort.close();
});
`;

/**
 * WAL frames (pages) past which the checkpointer catches up pass after pass: 256 MB of 4 KB
 * pages, ~2 s of the signed API's writes at 10,000 requests/s (~3.5 pages a request, most of
 * them the same hot index pages again). Below it, one pass every interval copies each hot
 * page once however often it was written; a catch-up copies it once per commit, ~10 µs more
 * CPU a request while it lasts (measured with 16 MB), so it is kept for bounding the file.
 */
const CATCH_UP_FRAMES = 65_536;

/** Autocheckpoint of the serving connection when the thread is not running (10,000 pages). */
const AUTOCHECKPOINT_PAGES = 10_000;

export interface Checkpointer {
  stop(): Promise<void>;
}

/**
 * `serve` on SQLite ([G], docs/benchmarks.md "Round 3"): with autocheckpoint the commit that
 * fills the WAL copies up to 10,000 pages into the database and fsyncs it, on the event loop,
 * stalling every request in flight for tens of ms about once a second under load — most of
 * the signed API's p99. Here the serving connection never checkpoints; a worker thread does,
 * every `intervalMs`. Durability is unchanged (a commit is durable in the WAL, per
 * `synchronous`). Should the thread fail, the connection checkpoints itself again.
 */
export function startCheckpointer(
  raw: BetterSqlite3.Database,
  file: string,
  intervalMs = 250,
  catchUpFrames = CATCH_UP_FRAMES,
): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(CODE, {
    eval: true,
    workerData: { driver, file, intervalMs, catchUpFrames },
  });
  worker.unref();
  raw.pragma('wal_autocheckpoint = 0');
  const fallBack = () => {
    if (raw.open) raw.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
  };
  worker.on('error', fallBack);
  worker.on('message', (m: { failed?: string }) => {
    if (m.failed !== undefined) fallBack();
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      // Referenced from here on: a shutdown awaiting this must not see the process end first.
      worker.ref();
      worker.postMessage('stop');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, 2_000);
      });
      await Promise.race([exited, timeout]);
      clearTimeout(timer);
      await worker.terminate();
      fallBack();
    },
  };
}
