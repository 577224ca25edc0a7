import { spawnSync } from 'node:child_process';
import { BIN, REPO_ROOT } from './server-process.js';
import { knownDatabaseEnvFor } from './test-database.js';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `opentrail <args>` as a user would. With `--data-dir D` it uses the database of the
 * server or app started on D (on PostgreSQL that is not a file inside D).
 */
export function runCli(args: string[], env: Record<string, string> = {}): CliResult {
  const dataDir = args[args.indexOf('--data-dir') + 1];
  const database = args.includes('--data-dir') && dataDir ? knownDatabaseEnvFor(dataDir) : {};
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...database, ...env },
    encoding: 'utf8',
    // Generous: a loaded 2-core CI machine runs both database suites at once.
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `keys create … --json`, parsed. */
export function createKey(dataDir: string, extra: string[] = []) {
  const r = runCli(['keys', 'create', '--data-dir', dataDir, '--json', ...extra]);
  if (r.status !== 0) throw new Error(`keys create failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as {
    accountId: string;
    accessKeyId: string;
    accessKeySecret: string;
    securityToken?: string;
    expiresAt?: number;
  };
}
