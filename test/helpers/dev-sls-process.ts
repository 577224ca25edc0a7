import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { BIN, freshDataDir, REPO_ROOT } from './server-process.js';

export interface DevSlsProcess {
  /** The first line `opentrail dev sls` prints: `http://127.0.0.1:PORT`. */
  url: string;
  dataDir: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts `opentrail dev sls --port 0` as its own process and reads its URL from stdout; a
 * `--port` in `args` wins, and `dataDir` restarts one on the logstores it kept.
 */
export async function startDevSlsProcess(
  args: string[] = [],
  keys = { accessKeyId: 'dev-ak', accessKeySecret: 'dev-secret' },
  dataDir = freshDataDir('opentrail-dev-sls-'),
): Promise<DevSlsProcess> {
  const child = spawn(
    process.execPath,
    [BIN, 'dev', 'sls', '--port', '0', '--data-dir', dataDir, ...args],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        OPENTRAIL_SLS_ACCESS_KEY_ID: keys.accessKeyId,
        OPENTRAIL_SLS_ACCESS_KEY_SECRET: keys.accessKeySecret,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dev sls did not start:\n${stderr}`)), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`dev sls exited with ${code}:\n${stderr}`));
    });
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
  });
  child.removeAllListeners('exit');
  return {
    url,
    dataDir,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
