import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { CLI_ONCE, MANY_CLI_RUNS, remoteEnv, runJson } from '../helpers/remote-cli.js';
import {
  BIN,
  freshDataDir,
  REPO_ROOT,
  readCredentials,
  type ServerProcess,
  startServer,
} from '../helpers/server-process.js';

/** NDJSON of `n` events spread over the last days, in two regions. */
function eventsFile(dir: string, prefix: string, n: number): string {
  const now = Date.now();
  const lines = Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      eventId: `${prefix}-${i}`,
      eventName: 'CreateInstance',
      serviceName: 'Ecs',
      acsRegion: i % 2 ? 'cn-hangzhou' : 'cn-shanghai',
      eventTime: new Date(Math.floor((now - i * 600_000) / 1000) * 1000)
        .toISOString()
        .replace('.000Z', 'Z'),
    }),
  );
  const file = path.join(dir, `${prefix}.ndjson`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe.runIf(CLI_ONCE)(
  'opentrail jobs … on a server that delivers history to OSS',
  MANY_CLI_RUNS,
  () => {
    let server: ServerProcess;
    let env: Record<string, string>;
    beforeAll(async () => {
      server = await startServer({
        env: {
          OPENTRAIL_REGIONS: 'cn-hangzhou,cn-shanghai',
          OPENTRAIL_DELIVERY_HISTORY_TO_OSS: 'true',
        },
      });
      env = remoteEnv(server, readCredentials(server.dataDir));
      const put = runJson(['events', 'put', eventsFile(server.dataDir, 'job', 400)], env);
      expect(put).toMatchObject({ Events: 400, Accepted: 400, Rejected: [] });
      runJson(['trails', 'create', 'jobs-trail', '--oss-bucket-name', 'jobs-bucket'], env);
    });
    afterAll(() => server?.stop());

    it('creates a job, watches it piped to the end (plain lines, exit 0), then lists, shows and deletes it', () => {
      const { JobId } = runJson(['jobs', 'create', 'jobs-trail'], env);
      expect(JobId).toEqual(expect.any(Number));

      const watch = runCli(['jobs', 'watch', String(JobId), '--interval', '0.2'], env);
      expect(watch.status).toBe(0);
      // Progress lines per region on stderr, never a terminal escape code when not a TTY.
      expect(watch.stderr).toMatch(/^cn-hangzhou\s+(queued|running|succeeded)/m);
      expect(watch.stderr).toMatch(/^cn-shanghai\s+succeeded/m);
      expect(watch.stderr).not.toContain('\u001b');
      expect(watch.stdout).toMatch(new RegExp(`^job ${JobId} succeeded .*: 2 regions`));
      expect(watch.stdout).toMatch(/^ {2}cn-hangzhou\s+succeeded\b/m);

      const list = runJson(['jobs', 'list'], env);
      expect(list).toMatchObject({ TotalCount: 1, PageNumber: 1 });
      expect(list.DeliveryHistoryJobs).toEqual([
        expect.objectContaining({ JobId, JobStatus: 2, TrailName: 'jobs-trail' }),
      ]);

      const show = runJson(['jobs', 'show', String(JobId)], env);
      expect(show).toMatchObject({ JobId, JobStatus: 2, State: 'Succeeded' });
      expect(show.Status).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ Region: 'cn-hangzhou', Status: 2 }),
          expect.objectContaining({ Region: 'cn-shanghai', Status: 2 }),
        ]),
      );
      const table = runCli(['jobs', 'show', String(JobId)], env);
      expect(table.stdout).toMatch(/^JobStatus:\s+2 \(succeeded\)$/m);
      expect(table.stdout).toMatch(/^cn-shanghai\s+succeeded\b/m);

      expect(runCli(['jobs', 'delete', String(JobId)], env).stdout).toBe(`deleted job ${JobId}\n`);
      const gone = runCli(['jobs', 'show', String(JobId)], env);
      expect(gone.status).toBe(4);
      expect(gone.stderr).toContain('DeliveryHistoryJobNotFound');
    });

    it('draws progress bars in a terminal (util-linux script) and still exits 0 at status 2', () => {
      const { JobId } = runJson(['jobs', 'create', 'jobs-trail'], env);
      const command = [process.execPath, BIN, 'jobs', 'watch', String(JobId), '--interval', '0.2']
        .map((a) => `'${a}'`)
        .join(' ');
      // `script -e` returns the command's exit code; the pseudo terminal makes stderr a TTY.
      const r = spawnSync('script', ['-qec', command, '/dev/null'], {
        cwd: REPO_ROOT,
        env: { ...process.env, ...env, COLUMNS: '120', TERM: 'xterm' },
        encoding: 'utf8',
        timeout: 90_000,
      });
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('\u001b['); // cursor movement of the redrawn bars
      expect(r.stdout).toMatch(/cn-hangzhou\s+\S+ 100% succeeded/);
      expect(r.stdout).toMatch(new RegExp(`job ${JobId} succeeded`));
    });

    it('jobs create --watch creates and follows in one command; --json ends with the job', () => {
      const r = runCli(
        ['jobs', 'create', 'jobs-trail', '--watch', '--interval', '0.2', '--json'],
        env,
      );
      expect(r.status).toBe(0);
      const job = JSON.parse(r.stdout) as Record<string, unknown>;
      expect(job).toMatchObject({ JobStatus: 2, TrailName: 'jobs-trail' });
    });

    it('refuses a job id that is not a number (2) and an unknown trail (4)', () => {
      expect(runCli(['jobs', 'watch', 'abc'], env).status).toBe(2);
      const unknown = runCli(['jobs', 'create', 'no-such-trail'], env);
      expect(unknown.status).toBe(4);
      expect(unknown.stderr).toContain('TrailNotFoundException');
    });
  },
);

describe.runIf(CLI_ONCE)(
  'opentrail jobs on servers where the job cannot succeed',
  MANY_CLI_RUNS,
  () => {
    const servers: ServerProcess[] = [];
    afterAll(() => Promise.all(servers.map((s) => s.stop())));

    it('jobs watch exits 1 when the job ends in status 3 (delivery root is not a directory)', async () => {
      const dataDir = freshDataDir();
      const notADir = path.join(dataDir, 'not-a-directory');
      writeFileSync(notADir, '');
      const server = await startServer({
        dataDir,
        env: {
          OPENTRAIL_REGIONS: 'cn-hangzhou,cn-shanghai',
          OPENTRAIL_DELIVERY_HISTORY_TO_OSS: 'true',
          OPENTRAIL_DELIVERY_ROOT: notADir,
        },
      });
      servers.push(server);
      const env = remoteEnv(server, readCredentials(dataDir));
      runJson(['events', 'put', eventsFile(dataDir, 'fail', 50)], env);
      runJson(['trails', 'create', 'doomed-trail', '--oss-bucket-name', 'doomed-bucket'], env);
      const r = runCli(['jobs', 'create', 'doomed-trail', '--watch', '--interval', '0.2'], env);
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/^job \d+ failed/);
      expect(r.stdout).toMatch(/^ {2}cn-hangzhou\s+failed/m);
      const jobId = /^job (\d+) failed/.exec(r.stdout)?.[1] ?? '';

      // The failed attempts, with the file system's own code, as JSON and as a table.
      const failures = runJson(['jobs', 'failures', jobId, '--all'], env);
      expect(failures.TotalCount).toBeGreaterThan(0);
      expect(failures.Failures).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ Region: 'cn-hangzhou', ErrorCode: expect.any(String) }),
        ]),
      );
      const table = runCli(['jobs', 'failures', jobId], env);
      expect(table.status).toBe(0);
      expect(table.stdout).toMatch(/^TIME\s+REGION\s+DESTINATION\s+ERRORCODE/);
      expect(table.stdout).toMatch(/cn-hangzhou/);

      // Fix the destination, retry and follow it: the job succeeds (exit 0).
      rmSync(notADir);
      mkdirSync(notADir);
      const retry = runCli(['jobs', 'retry', jobId, '--watch', '--interval', '0.2'], env);
      expect(retry.status).toBe(0);
      expect(retry.stdout).toMatch(new RegExp(`^job ${jobId} succeeded`));

      // A finished job can be neither stopped nor retried: 400 InvalidJobStatus (exit 3).
      for (const verb of ['stop', 'retry']) {
        const refused = runCli(['jobs', verb, jobId], env);
        expect(refused.status).toBe(3);
        expect(refused.stderr).toContain('InvalidJobStatus');
      }
    });

    it('a job for a trail without SLS is refused with a hint on a default server (exit 3)', async () => {
      const server = await startServer();
      servers.push(server);
      const env = remoteEnv(server, readCredentials(server.dataDir));
      runJson(['trails', 'create', 'oss-only-trail', '--oss-bucket-name', 'oss-only-bucket'], env);
      const r = runCli(['jobs', 'create', 'oss-only-trail'], env);
      expect(r.status).toBe(3);
      expect(r.stderr).toContain('InvalidTrailDestination');
      expect(r.stderr).toMatch(/^hint: .*--sls-project-arn/m);
    });
  },
);
