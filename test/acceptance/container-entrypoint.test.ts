import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/sdk-clients.js';
import { freshDataDir, REPO_ROOT } from '../helpers/server-process.js';
import { TEST_DB } from '../helpers/test-database.js';

/** The parts of the Dockerfile that decide how the image starts and is probed. */
function readDockerfile() {
  const text = readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, ' ');
  const lines = text.split('\n');
  const runtime = lines.slice(lines.findLastIndex((l) => l.startsWith('FROM ')));
  const json = (keyword: string) => {
    const line = runtime.find((l) => l.startsWith(`${keyword} `)) ?? '';
    return JSON.parse(line.slice(line.indexOf('['))) as string[];
  };
  const env: Record<string, string> = {};
  for (const line of runtime.filter((l) => l.startsWith('ENV '))) {
    for (const m of line.slice(4).matchAll(/([A-Z_]+)=(\S+)/g))
      env[m[1] as string] = m[2] as string;
  }
  return {
    from: runtime[0],
    env,
    entrypoint: json('ENTRYPOINT'),
    cmd: json('CMD'),
    healthcheck: json('HEALTHCHECK').slice(json('HEALTHCHECK').indexOf('CMD') + 1),
    build: lines.find((l) => l.startsWith('RUN npm run build')),
    copies: runtime.filter((l) => l.startsWith('COPY ')),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

const KEY = {
  accountId: '1234567890123456',
  accessKeyId: 'LTAIcontainerTestKey00',
  accessKeySecret: 'container-test-secret',
};

/**
 * [F3] The container without a Docker daemon: `dist/` compiled as the Dockerfile's build stage
 * compiles it, then started with the runtime stage's ENTRYPOINT + CMD and environment, from a
 * directory that holds only package.json, dist/ and web/ (no sources: bin/opentrail.js's tsx path is
 * not taken). The HEALTHCHECK command itself probes it. The build is the same for both
 * databases, and slow (a full tsc run), so it runs in the SQLite project only.
 */
describe.runIf(TEST_DB === 'sqlite')('the container image, started as its entry point does', () => {
  const docker = readDockerfile();
  const imageDir = path.join(REPO_ROOT, '.tmp', `image-${process.pid}`);
  const dataDir = freshDataDir('opentrail-image-');
  let child: ChildProcess;
  let env: Record<string, string>;
  let stdout = '';
  let port: number;

  beforeAll(async () => {
    expect(docker.from).toMatch(/^FROM node:20-slim/);
    expect(docker.build).toContain('npm run build');
    mkdirSync(imageDir, { recursive: true });
    execFileSync('npm', ['run', 'build', '--', '--outDir', path.join(imageDir, 'dist')], {
      cwd: REPO_ROOT,
      stdio: 'pipe',
    });
    copyFileSync(path.join(REPO_ROOT, 'package.json'), path.join(imageDir, 'package.json'));
    // The console's static files come straight from the build context.
    expect(docker.copies).toContain('COPY web ./web');
    cpSync(path.join(REPO_ROOT, 'web'), path.join(imageDir, 'web'), { recursive: true });
    port = await freePort();
    env = {
      PATH: process.env.PATH ?? '',
      ...docker.env,
      // What the volume and `docker run -e` would supply here.
      OPENTRAIL_DATA_DIR: dataDir,
      OPENTRAIL_PORT: String(port),
      OPENTRAIL_ACCOUNT_ID: KEY.accountId,
      OPENTRAIL_ACCESS_KEY_ID: KEY.accessKeyId,
      OPENTRAIL_ACCESS_KEY_SECRET: KEY.accessKeySecret,
    };
    const [program, ...args] = [...docker.entrypoint, ...docker.cmd];
    expect(program).toBe('node');
    child = spawn(process.execPath, args, {
      cwd: imageDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not listening:\n${stdout}`)), 60_000);
      child.once('exit', (code) => reject(new Error(`exited ${code}:\n${stdout}`)));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        stdout += `${line}\n`;
        if (line.includes('"msg":"listening"')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  }, 300_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      await new Promise((r) => {
        child.once('exit', r);
        child.kill('SIGTERM');
      });
    }
    rmSync(imageDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs the compiled build, not the sources', () => {
    expect(docker.entrypoint).toEqual(['node', 'dist/main.js']);
    expect(stdout).toMatch(new RegExp(`"msg":"Server listening at http://[^"]+:${port}"`));
    expect(readFileSync(path.join(imageDir, 'dist', 'main.js'), 'utf8')).toContain('runCli');
  });

  it('passes its own HEALTHCHECK and answers /readyz', async () => {
    const [program, ...args] = docker.healthcheck;
    expect(program).toBe('node');
    const probe = spawnSync(process.execPath, args, { env, timeout: 10_000 });
    expect(probe.status).toBe(0);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
  });

  it('serves the official SDK with the preset key', async () => {
    const target = { url: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}` };
    const body = await call('pop-core POST', target, KEY, 'DescribeTrails', {});
    expect(body).toMatchObject({ TrailList: [], RequestId: expect.any(String) });
  });
});
