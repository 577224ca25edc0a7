import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COLUMNS } from '../../bench/report.js';
import { freshDataDir, REPO_ROOT } from '../helpers/server-process.js';
import { databaseEnvFor, TEST_DB } from '../helpers/test-database.js';

// The smoke run of `npm run bench` (issue 14): every benchmark with tiny sizes against real
// processes, so the harness keeps working. What a user would notice is a missing or broken
// row, a failing signed call or job, or a report without the machine it ran on; never a speed.
function runBench(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [path.join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs'), 'bench/bench.ts', ...args],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run bench --tiny', () => {
  it('prints and writes one well-formed row per benchmark, beside goal and baseline', async () => {
    const dir = freshDataDir('opentrail-bench-test-');
    const out = path.join(dir, 'benchmarks.md');
    const db = (await databaseEnvFor(dir)).OPENTRAIL_DATABASE_URL;
    // On PostgreSQL the benchmarks whose work is in the database; the sinks' own are the same.
    const pgOnly = ['--only', 'seed,api,lookup,import,ingest,history-file'];
    const run = await runBench([
      ...(TEST_DB === 'postgres' ? pgOnly : []),
      '--tiny',
      '--data-root',
      dir,
      '--out',
      out,
      ...(db ? ['--database-url', db] : []),
    ]);
    expect(run.stderr).not.toMatch(/did not start|exited with|failed/);
    expect(run.code).toBe(0);

    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe(`| ${COLUMNS.join(' | ')} |`);
    const rows = lines.slice(2).map((l) => l.split(' | '));
    for (const cells of rows) expect(cells).toHaveLength(COLUMNS.length);
    const names = rows.map((cells) => cells[0]).join('\n');
    for (const expected of [
      'seed into an empty store',
      'signed v1 ListDeliveryHistoryJobs',
      'signed V3 ListDeliveryHistoryJobs',
      'signed v1 DescribeTrails',
      'signed V3 DescribeTrails',
      'LookupEvents page of 50',
      'LookupEvents deep paging',
      '`opentrail import` of an NDJSON export',
      'ingest API `POST /v1/events`',
      'history job latency',
      'history job, SLS trail → file sink',
      ...(TEST_DB === 'sqlite'
        ? [
            'history job, SLS trail → dev sls',
            'history job, OSS trail → s3rver',
            'live delivery, logging SLS trail → file sink (SLS layout): backlog drained',
            'live delivery → dev sls (PutLogs): stored → acknowledged',
          ]
        : []),
    ]) {
      expect(names).toContain(expected);
    }
    // Every rate is a number with its unit, every goal is filled in.
    for (const cells of rows) {
      expect(cells[2]).toMatch(/\d[\d,.]* (events\/s|req\/s|ms)/);
      expect(cells[3]).toMatch(/[≥≤]/);
    }
    // The seed and history rows carry a baseline and a ratio measured in the same run (the
    // scan + gzip baseline reads the SQLite file, so it is absent on PostgreSQL).
    const seed = rows.find((cells) => cells[0]?.includes('seed'));
    expect(seed?.[4]).toMatch(/rows\/s/);
    expect(seed?.[5]).toMatch(/×/);
    if (TEST_DB === 'sqlite') {
      const file = rows.find((cells) =>
        /history job, SLS trail → file sink.*create/.test(cells[0] ?? ''),
      );
      expect(file?.[4]).toMatch(/scan \+ gzip/);
    }

    const report = readFileSync(out, 'utf8');
    expect(report).toMatch(/- cores: \d+/);
    expect(report).toMatch(/- memory: [\d.]+ GiB/);
    expect(report).toMatch(/- Node v\d+/);
    expect(report).toContain('signed V3 DescribeTrails');
    rmSync(dir, { recursive: true, force: true });
  }, 300_000);
});
