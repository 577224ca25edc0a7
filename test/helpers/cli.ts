import { spawnSync } from 'node:child_process';
import { BIN, REPO_ROOT } from './server-process.js';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `opentrail <args>` as a user would. */
export function runCli(args: string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 30_000,
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
