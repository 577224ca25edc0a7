import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

/**
 * A throw-away PostgreSQL server for the test run: Debian's `postgresql` binaries, a data
 * directory under the OS temp dir, a random free port on 127.0.0.1, trust authentication, and no
 * fsync (nothing here needs to survive a power cut). PostgreSQL refuses to run as root, so when
 * the tests run as root (CI containers) initdb and postgres run as the `postgres` user
 * (created by the Debian package) through setpriv, or runuser where setpriv is missing.
 */
export interface PostgresCluster {
  /** `postgres://postgres@127.0.0.1:PORT/postgres`: superuser, maintenance database. */
  adminUrl: string;
  port: number;
  stop(): Promise<void>;
}

const SEARCH = ['/usr/lib/postgresql'];

/** The bin directory of the newest installed PostgreSQL, or of the one named by PG_BIN. */
export function findPostgresBin(): string {
  const given = process.env.PG_BIN;
  if (given) return given;
  for (const root of SEARCH) {
    if (!existsSync(root)) continue;
    const versions = readdirSync(root)
      .filter((v) => existsSync(path.join(root, v, 'bin', 'postgres')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(root, versions[0], 'bin');
  }
  throw new Error(
    'PostgreSQL binaries not found (apt-get install -y postgresql, or set PG_BIN to their bin directory)',
  );
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
  command: string,
  args: string[],
  options: { dieWithParent?: boolean } = {},
): [string, string[]] {
  const root = process.getuid?.() === 0;
  if (hasSetpriv()) {
    return [
      'setpriv',
      [
        ...(root ? ['--reuid=postgres', '--regid=postgres', '--init-groups'] : []),
        ...(options.dieWithParent ? ['--pdeathsig', 'SIGINT'] : []),
        '--',
        command,
        ...args,
      ],
    ];
  }
  return root ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

function serverUserIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
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
  const bin = findPostgresBin();
  const base = mkdtempSync(path.join(tmpdir(), 'opentrail-pg-'));
  const data = path.join(base, 'data');
  const sockets = path.join(base, 'sockets');
  mkdirSync(sockets);
  const ids = serverUserIds();
  if (ids) for (const dir of [base, sockets]) chownSync(dir, ids.uid, ids.gid);

  const [initCmd, initArgs] = asServerUser(path.join(bin, 'initdb'), [
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
