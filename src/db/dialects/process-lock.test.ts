import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireProcessLock, ProcessLockError } from './process-lock.js';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const MODULE = fileURLToPath(new URL('./process-lock.ts', import.meta.url));

// A process that takes the lock and prints `held <pid>` (or `refused <message>` and exits); it
// releases on a `release` line and gives up after a minute if a test forgot it.
const HOLDER = `
const { acquireProcessLock } = await import(process.argv[1]);
try {
  const release = acquireProcessLock(process.argv[2]);
  console.log('held ' + process.pid);
  process.stdin.on('data', () => { release(); console.log('released'); });
  setTimeout(() => process.exit(0), 60_000);
} catch (e) {
  console.log('refused ' + e.message);
  process.exit(3);
}`;
const HOLDER_ARGS = ['--import', 'tsx', '--input-type=module', '-e', HOLDER, MODULE];

const children: ChildProcess[] = [];
let dir: string;
let lockPath: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'opentrail-lock-'));
  lockPath = path.join(dir, 'opentrail.db.lock');
});

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function spawnNode(args: string[], stdin: 'pipe' | 'ignore' = 'pipe', env = {}) {
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: [stdin, 'pipe', 'inherit'],
  });
  children.push(child);
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const nextLine = async () => String((await lines.next()).value);
  return { child, nextLine };
}

/** Another process trying the lock: `held <pid>` or `refused <message>`. */
async function tryInChild(): Promise<{ line: string; child: ChildProcess }> {
  const { child, nextLine } = spawnNode([...HOLDER_ARGS, lockPath]);
  return { line: await nextLine(), child };
}

const exited = (c: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) resolve();
    else c.once('exit', () => resolve());
  });

describe('acquireProcessLock', { timeout: 30_000 }, () => {
  it('refuses a second holder in another process, naming the holder pid', async () => {
    const release = acquireProcessLock(lockPath);
    const other = await tryInChild();
    expect(other.line).toBe(
      `refused another opentrail (pid ${process.pid}) is serving this database; lock file ${lockPath}`,
    );
    // A refused attempt in this process opens nothing, so the lock still holds (POSIX drops a
    // process's locks when it closes any descriptor of the file).
    expect(() => acquireProcessLock(lockPath)).toThrow(ProcessLockError);
    expect((await tryInChild()).line).toMatch(/^refused another opentrail \(pid \d+\)/);
    release();
    expect((await tryInChild()).line).toMatch(/^held \d+$/);
  });

  it('refuses this process while another process holds it', async () => {
    const holder = await tryInChild();
    const pid = holder.line.replace('held ', '');
    expect(() => acquireProcessLock(lockPath)).toThrow(
      `another opentrail (pid ${pid}) is serving this database`,
    );
    holder.child.stdin?.write('release\n');
    acquireProcessLock(lockPath)();
  });

  it('is free at once when the holder is killed with SIGKILL or exits without releasing', async () => {
    const killed = await tryInChild();
    expect(killed.line).toMatch(/^held /);
    killed.child.kill('SIGKILL');
    await exited(killed.child);
    acquireProcessLock(lockPath)();

    const { child, nextLine } = spawnNode([
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `const { acquireProcessLock } = await import(process.argv[1]);
       acquireProcessLock(process.argv[2]); console.log('held'); process.exit(0);`,
      MODULE,
      lockPath,
    ]);
    expect(await nextLine()).toBe('held');
    await exited(child);
    acquireProcessLock(lockPath)();
  });

  it.runIf(process.platform === 'linux')(
    'is free while the killed holder is an unreaped zombie',
    async () => {
      // A parent that spawns the holder and then blocks its event loop, so it never reaps it:
      // the killed holder stays a zombie, which a pid check (kill(pid, 0)) takes for alive.
      const { child: parent, nextLine } = spawnNode(
        [
          '--input-type=module',
          '-e',
          `import { spawn } from 'node:child_process';
         spawn(process.execPath, JSON.parse(process.env.HOLDER_ARGS), { stdio: ['ignore', 'inherit', 'inherit'] });
         Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);`,
        ],
        'ignore',
        { HOLDER_ARGS: JSON.stringify([...HOLDER_ARGS, lockPath]) },
      );
      const pid = Number((await nextLine()).replace('held ', ''));
      process.kill(pid, 'SIGKILL');
      const state = () => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
      while (state() !== 'Z') await new Promise((r) => setTimeout(r, 10));
      expect(() => process.kill(pid, 0)).not.toThrow();
      acquireProcessLock(lockPath)();
      parent.kill('SIGKILL');
    },
  );

  it('can be released and taken again; release is idempotent', () => {
    const release = acquireProcessLock(lockPath);
    release();
    release();
    const again = acquireProcessLock(lockPath);
    expect(() => acquireProcessLock(lockPath)).toThrow(ProcessLockError);
    again();
    expect(existsSync(`${lockPath}-journal`)).toBe(false);
  });

  it('takes over a pid file of an earlier version, even naming a live process', async () => {
    writeFileSync(lockPath, String(process.ppid));
    const release = acquireProcessLock(lockPath);
    expect((await tryInChild()).line).toMatch(
      new RegExp(`^refused another opentrail \\(pid ${process.pid}\\)`),
    );
    release();
  });
});
