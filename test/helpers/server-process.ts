import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { databaseEnvFor } from './test-database.js';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
export const BIN = path.join(REPO_ROOT, 'bin/opentrail.js');

export interface Credentials {
  accountId: string;
  accessKeyId: string;
  accessKeySecret: string;
}

export interface ServerProcess {
  /** `http://127.0.0.1:PORT` (pop-core endpoint). */
  url: string;
  /** `127.0.0.1:PORT` (openapi-client endpoint). */
  host: string;
  dataDir: string;
  child: ChildProcess;
  stdout: string[];
  stderr(): string;
  /** Graceful stop (SIGTERM) and wait for exit. */
  stop(): Promise<void>;
}

export function freshDataDir(prefix = 'opentrail-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** Reads `<data>/credentials` as written on first start. */
export function readCredentials(dataDir: string): Credentials {
  const text = readFileSync(path.join(dataDir, 'credentials'), 'utf8');
  const get = (k: string) => {
    const m = new RegExp(`^${k} = (.+)$`, 'm').exec(text);
    if (!m?.[1]) throw new Error(`credentials file has no ${k}`);
    return m[1];
  };
  return {
    accountId: get('account_id'),
    accessKeyId: get('access_key_id'),
    accessKeySecret: get('access_key_secret'),
  };
}

/**
 * Starts the real server (`bin/opentrail.js serve`) as a child process on a free port and waits
 * for its "listening" log line. On PostgreSQL (DB=postgres) the data dir gets its own database
 * unless `env` names one; a restart with the same data dir finds it again.
 */
export async function startServer(
  options: {
    dataDir?: string;
    env?: Record<string, string>;
    args?: string[];
    /** Start without `--data-dir` (`serve --dev` then makes a throw-away one). */
    noDataDirFlag?: boolean;
  } = {},
): Promise<ServerProcess> {
  const dataDir = options.dataDir ?? freshDataDir();
  const dataDirFlag = options.noDataDirFlag ? [] : ['--data-dir', dataDir];
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--port', '0', ...dataDirFlag, ...(options.args ?? [])],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, ...(await databaseEnvFor(dataDir)), ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const stdout: string[] = [];
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // never leave a half-started server behind
      reject(new Error(`server did not start:\n${stderr}`));
    }, 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${stderr}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      stdout.push(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === 'listening' && entry.url) {
          clearTimeout(timer);
          resolve(entry.url);
        }
      } catch {
        // not a log line
      }
    });
  });
  child.removeAllListeners('exit');
  return {
    url,
    host: url.replace(/^https?:\/\//, ''),
    dataDir,
    child,
    stdout,
    stderr: () => stderr,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Waits until the server process ends; resolves with the signal that ended it (or null). */
export function waitForExit(server: ServerProcess, ms: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      resolve(server.child.signalCode);
      return;
    }
    const timer = setTimeout(() => reject(new Error(`server still running after ${ms} ms`)), ms);
    server.child.once('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve(signal);
    });
  });
}
