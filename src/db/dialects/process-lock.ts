import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';

export class ProcessLockError extends Error {
  override name = 'ProcessLockError';
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One `serve` per SQLite file (decisions §2): a lock file beside the database holding the owner's
 * pid. A lock left by a process that no longer exists (kill -9) is taken over.
 */
export function acquireProcessLock(lockPath: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(lockPath, 'utf8').trim() === String(process.pid)) unlinkSync(lockPath);
        } catch {
          // already gone
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number.parseInt(readFileSync(lockPath, 'utf8').trim(), 10);
      if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
        throw new ProcessLockError(
          `another opentrail (pid ${owner}) is serving this database; lock file ${lockPath}`,
        );
      }
      unlinkSync(lockPath); // stale: its owner is gone
    }
  }
  throw new ProcessLockError(`could not take the lock ${lockPath}`);
}
