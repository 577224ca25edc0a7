import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshDataDir, type ServerProcess, startServer } from '../helpers/server-process.js';
import { TEST_DB } from '../helpers/test-database.js';

// One `serve` per SQLite file (decisions §2), held by the operating system: a server killed with
// kill -9 leaves nothing that blocks the next start. PostgreSQL has no process lock.
describe.runIf(TEST_DB === 'sqlite')('restart after kill -9 on SQLite', () => {
  it('restarts at once 20 times in a row, and still refuses a second serve', async () => {
    const dataDir = freshDataDir();
    // A pid file of an earlier opentrail naming a live process (this one) does not block.
    writeFileSync(path.join(dataDir, 'opentrail.db.lock'), String(process.pid));
    let server: ServerProcess = await startServer({ dataDir });
    try {
      for (let round = 0; round < 20; round++) {
        // No waiting for the exit: the next start races the dying (then unreaped) process.
        server.child.kill('SIGKILL');
        server = await startServer({ dataDir });
      }
      const second = await startServer({ dataDir }).catch((e: Error) => e);
      expect(second).toBeInstanceOf(Error);
      expect(String(second)).toContain(
        `another opentrail (pid ${server.child.pid}) is serving this database`,
      );
    } finally {
      await server.stop();
    }
    // A graceful stop releases it too.
    await (await startServer({ dataDir })).stop();
    rmSync(dataDir, { recursive: true, force: true });
  }, 300_000);
});
