import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type CliResult, runCli } from './cli.js';
import type { Credentials, ServerProcess } from './server-process.js';
import { TEST_DB } from './test-database.js';

/**
 * The environment of a remote command as a user sets it, with its own HOME (so no profile of
 * the machine leaks in) and every variable the CLI reads set explicitly (empty = unset).
 */
export function remoteEnv(
  server: Pick<ServerProcess, 'url'> | undefined,
  key: Pick<Credentials, 'accessKeyId' | 'accessKeySecret'> | undefined,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    HOME: mkdtempSync(path.join(tmpdir(), 'opentrail-home-')),
    OPENTRAIL_ENDPOINT: server?.url ?? '',
    ALIBABA_CLOUD_ENDPOINT: '',
    ALIBABA_CLOUD_ACCESS_KEY_ID: key?.accessKeyId ?? '',
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: key?.accessKeySecret ?? '',
    ALIBABA_CLOUD_SECURITY_TOKEN: '',
    OPENTRAIL_PROFILE: '',
    ...extra,
  };
}

/** Runs a remote command and parses its `--json` stdout; throws with stderr when it failed. */
export function runJson(args: string[], env: Record<string, string>) {
  const r = runCli([...args, '--json'], env);
  if (r.status !== 0)
    throw new Error(`opentrail ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

export type { CliResult };

/**
 * Test options for a describe whose tests run the CLI many times: each run starts a process
 * (about a second idle, several on a loaded 2-core machine). No test asserts a duration.
 */
export const MANY_CLI_RUNS = { timeout: 300_000 };

/**
 * The remote commands reach the server only through the signed API, whose database behaviour
 * the integration and acceptance tiers cover on both databases: the CLI files run once, on
 * SQLite (they spawn a process per command, ~150 s a pass on a 2-core machine).
 */
export const CLI_ONCE = TEST_DB === 'sqlite';
