import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open-database.js';
import { listAccessKeys } from '../../src/db/repositories/access-keys.repository.js';
import { listAccounts } from '../../src/db/repositories/accounts.repository.js';
import { freshDataDir, REPO_ROOT } from '../helpers/server-process.js';
import { emptyDatabaseConfig, TEST_DB } from '../helpers/test-database.js';

type Target = Awaited<ReturnType<typeof emptyDatabaseConfig>>;

function runBootstrap(target: Target): Promise<{ generated: boolean; accountId: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(REPO_ROOT, 'test/fixtures/scripts/bootstrap-once.ts'),
        target.databasePath,
      ],
      {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, OPENTRAIL_DATABASE_URL: target.databaseUrl ?? '' },
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(err))));
  });
}

describe(`first start on a fresh ${TEST_DB} database`, () => {
  it('two processes starting at once migrate once and create one account and one key', async () => {
    const target = await emptyDatabaseConfig(freshDataDir());
    const results = await Promise.all([runBootstrap(target), runBootstrap(target)]);
    expect(results.filter((r) => r.generated)).toHaveLength(1);
    expect(results[0]?.accountId).toBe(results[1]?.accountId);
    const h = await openDatabase(target);
    expect(await listAccounts(h.db)).toHaveLength(1);
    expect(await listAccessKeys(h.db)).toHaveLength(1);
    await h.close();
  });
});
