import { closeSync, openSync, readSync, statSync, truncateSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';

export class ProcessLockError extends Error {
  override name = 'ProcessLockError';
}

/**
 * Locks this process holds, by file identity (device:inode). POSIX drops all of a process's
 * locks on a file as soon as the process closes *any* descriptor of it, so this process must
 * never open a lock file it holds: a second acquire here is refused from this map, before
 * anything opens the file. The map also keeps the connection referenced (a collected
 * connection would close and let the lock go).
 */
const held = new Map<string, BetterSqlite3.Database>();

function identity(file: string): string | undefined {
  try {
    const s = statSync(file); // stat opens no descriptor
    return `${s.dev}:${s.ino}`;
  } catch {
    return undefined;
  }
}

/**
 * The holder's pid, for the message only: the holder writes it as the lock database's
 * user_version, bytes 60-63 of the SQLite header, read here straight from the file because the
 * holder's exclusive lock keeps SQLite readers out. Undefined if not (yet) written.
 */
function ownerPid(lockPath: string): number | undefined {
  const header = Buffer.alloc(100);
  try {
    const fd = openSync(lockPath, 'r');
    try {
      readSync(fd, header, 0, 100, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  if (header.toString('latin1', 0, 16) !== 'SQLite format 3\0') return undefined;
  return header.readUInt32BE(60) || undefined;
}

function refused(lockPath: string, pid: number | undefined): ProcessLockError {
  return new ProcessLockError(
    `another opentrail (pid ${pid ?? 'unknown'}) is serving this database; lock file ${lockPath}`,
  );
}

/** Takes the lock or throws; the caller closes `db` on failure. */
function lock(db: BetterSqlite3.Database): void {
  // EXCLUSIVE locking mode: the first write takes the file's exclusive lock and the connection
  // never gives it back until closed. The operating system drops it when the process dies,
  // however it dies (kill -9, a zombie not yet reaped, a container restart).
  db.pragma('locking_mode = EXCLUSIVE');
  // No journal file beside the lock; the content is only the pid, rewritten on every start.
  db.pragma('journal_mode = MEMORY');
  db.pragma('synchronous = OFF');
  db.exec('BEGIN EXCLUSIVE');
  db.pragma(`user_version = ${process.pid}`);
  db.exec('COMMIT');
}

/**
 * One `serve` per SQLite file (decisions §2): the lock file beside the database is a small SQLite
 * database that the serving process keeps exclusively locked through its own connection. Not the
 * main database, which `keys` and `import` open beside a running server. The pid in it only
 * names the holder in the refusal; it decides nothing.
 */
export function acquireProcessLock(lockPath: string): () => void {
  const before = identity(lockPath);
  if (before && held.has(before)) throw refused(lockPath, process.pid);
  for (let attempt = 0; ; attempt++) {
    // A short busy wait settles two starts racing for a free lock (one wins); a held lock
    // is refused after it.
    const db = new BetterSqlite3(lockPath, { timeout: 500 });
    try {
      lock(db);
    } catch (e) {
      db.close();
      const code = (e as { code?: unknown }).code;
      if (code === 'SQLITE_BUSY') throw refused(lockPath, ownerPid(lockPath));
      if ((code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') && attempt === 0) {
        // A pid file of an earlier opentrail (or a torn lock file): nobody holds it (a holder's
        // lock would have answered BUSY first) and it holds nothing worth keeping. An empty
        // file is an empty SQLite database.
        truncateSync(lockPath, 0);
        continue;
      }
      throw e;
    }
    const key = identity(lockPath) ?? lockPath;
    held.set(key, db);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      held.delete(key);
      // Closing drops the lock. The file stays: deleting it would let a process that opened
      // it just before lock a file no longer on disk while a third one creates a new one.
      db.close();
    };
  }
}
