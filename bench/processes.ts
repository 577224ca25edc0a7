/**
 * The processes a benchmark measures: `opentrail serve` and `opentrail dev sls` exactly as a
 * user starts them (bin/opentrail.js, default settings: self-audit on, nonces persisted), the
 * CLI (`seed`), and the bare node:http baseline server. Each runs in its own process so the
 * load generator (this process) never shares an event loop with what it measures.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(REPO_ROOT, 'bin/opentrail.js');

/**
 * `OPENTRAIL_BENCH_CPU_PROF=<dir>` profiles every process measured (`--cpu-prof`, written on
 * exit): Node refuses the flag in NODE_OPTIONS, so it goes on the command line here.
 */
const PROFILE_DIR = process.env.OPENTRAIL_BENCH_CPU_PROF;
const NODE_FLAGS = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [];

export interface Child {
  url: string;
  pid: number;
  /** Peak resident set size so far (Linux VmHWM), in MB; undefined elsewhere. */
  peakRssMb(): number | undefined;
  /** CPU time (user + system) the process has used so far, in seconds; undefined off Linux. */
  cpuSeconds(): number | undefined;
  stop(): Promise<void>;
}

function peakRss(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Spawns `args` and resolves with the first stdout line `pickUrl` accepts. */
function startChild(
  args: string[],
  env: Record<string, string>,
  pickUrl: (line: string) => string | undefined,
): Promise<Child> {
  const child: ChildProcess = spawn(process.execPath, [...NODE_FLAGS, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${args[1]} did not start:\n${stderr}`));
    }, 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.slice(1, 3).join(' ')} exited with ${code}:\n${stderr}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const url = pickUrl(line);
      if (!url) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      const pid = child.pid ?? 0;
      resolve({
        url,
        pid,
        peakRssMb: () => peakRss(pid),
        cpuSeconds: () => cpuSecondsOf(pid),
        stop,
      });
    });
  });
}

export interface ServeOptions {
  dataDir: string;
  env: Record<string, string>;
}

/** `opentrail serve --port 0`, resolved once it logs "listening". */
export function startServe(o: ServeOptions): Promise<Child> {
  return startChild([BIN, 'serve', '--port', '0', '--data-dir', o.dataDir], o.env, (line) => {
    try {
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      return entry.msg === 'listening' ? entry.url : undefined;
    } catch {
      return undefined;
    }
  });
}

/** `opentrail dev sls --port 0`; its first stdout line is its URL. */
export function startDevSls(dataDir: string, keys: Record<string, string>): Promise<Child> {
  return startChild([BIN, 'dev', 'sls', '--port', '0', '--data-dir', dataDir], keys, (line) =>
    line.startsWith('http') ? line.trim() : undefined,
  );
}

/** The API baseline: a bare node:http server answering every request with a small JSON body. */
export function startBareServer(): Promise<Child> {
  return startChild(
    [
      path.join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs'),
      path.join(REPO_ROOT, 'bench/bare-server.ts'),
    ],
    {},
    (line) => (line.startsWith('http') ? line.trim() : undefined),
  );
}

/** utime + stime of a live process in seconds (Linux /proc), or undefined. */
function cpuSecondsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks, USER_HZ = 100
  } catch {
    return undefined;
  }
}

export interface CliRun {
  stdout: string;
  /**
   * CPU time the command used (sampled every 50 ms, so up to 50 ms short): on a shared machine
   * work per CPU-second is steadier than work per wall-second.
   */
  cpuSeconds: number | undefined;
}

/** Runs the CLI to completion; resolves with stdout, rejects with stderr on a failure. */
export function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...NODE_FLAGS, BIN, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let cpu: number | undefined;
    const sampler = setInterval(() => {
      cpu = cpuSecondsOf(child.pid ?? 0) ?? cpu;
    }, 50);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.once('exit', (code) => {
      clearInterval(sampler);
      if (code === 0) resolve({ stdout: out, cpuSeconds: cpu });
      else reject(new Error(`opentrail ${args[0]} exited ${code}:\n${err}`));
    });
  });
}
