import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

/**
 * Every test file gets its own temporary root: `os.tmpdir()` (and so every `mkdtemp` of the
 * file, its data dirs, and the child servers it starts, which inherit the environment) points
 * into it, and it is removed once the file's own `afterAll` hooks have stopped what they
 * started. Before this, each full run left ~2 GB of data dirs in /tmp (58 GB after a few dozen
 * runs on one machine).
 */
const outer = tmpdir();
// Inside the run's own directory (temp-run-root.ts) when the run made one.
const root = mkdtempSync(path.join(process.env.OPENTRAIL_TEST_TMP_ROOT ?? outer, 'file-'));
process.env.TMPDIR = root;

// Registered before the test file's hooks, so it runs after them (after-hooks run as a stack).
afterAll(() => {
  process.env.TMPDIR = outer;
  try {
    rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  } catch {
    // A child that is still exiting may hold a file; the rest is gone, and a test never fails here.
  }
});
