import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';

/**
 * The checkpointer thread's code (plain CommonJS, so it runs the same from src/ through tsx and
 * from dist/). Its own connection copies the WAL into the database file with PASSIVE
 * checkpoints, which wait for no reader or writer and block none.
 */
const CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const run = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (e) {
    parentPort.postMessage({ failed: String(e && e.message) });
  }
};
const timer = setInterval(run, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  try { db.close(); } catch {}
  parentPort.close();
});
`;

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
): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(CODE, { eval: true, workerData: { driver, file, intervalMs } });
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
