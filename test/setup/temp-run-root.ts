import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * One temporary directory for the whole run, in the main process before any worker starts:
 * every test file's own root (temp-root.ts) goes inside it, and it is removed at the end. A file
 * whose tests are all skipped runs no hooks, so its root is not removed by the file itself.
 */
export default function setup(): () => void {
  const root = mkdtempSync(path.join(tmpdir(), 'opentrail-tests-'));
  process.env.OPENTRAIL_TEST_TMP_ROOT = root;
  return () => {
    rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  };
}
