import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { call } from '../helpers/sdk-clients.js';
import {
  type Credentials,
  REPO_ROOT,
  readCredentials,
  type ServerProcess,
  startServer,
} from '../helpers/server-process.js';

/** `opentrail import` (docs/intake.md) into the database of a running server. */
const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/intake');
const fixture = (name: string) => path.join(FIXTURES, name);
// The fixtures are from May 2024: real exports are history (see test/fixtures/intake/README.md).
const OLD_HISTORY = { OPENTRAIL_RETENTION_DAYS: '36500' };

let server: ServerProcess;
let creds: Credentials;

interface Summary {
  accountId: string;
  files: number;
  read: number;
  imported: number;
  duplicates: number;
  rejected: number;
  rejectedByCode: Record<string, number>;
}

function importFiles(files: string[], extra: string[] = [], env = OLD_HISTORY) {
  const r = runCli(['import', ...files, '--data-dir', server.dataDir, '--json', ...extra], env);
  const summary = r.stdout.trim() === '' ? undefined : (JSON.parse(r.stdout) as Summary);
  return { ...r, summary };
}

async function lookupIds(startTime: string, endTime: string): Promise<string[]> {
  const body = await call('openapi V3', server, creds, 'LookupEvents', {
    StartTime: startTime,
    EndTime: endTime,
    MaxResults: 50,
  });
  return (body.Events as Array<{ eventId: string }>).map((e) => e.eventId);
}

beforeAll(async () => {
  server = await startServer({ env: OLD_HISTORY });
  creds = readCredentials(server.dataDir);
});
afterAll(async () => {
  await server?.stop();
});

describe('opentrail import', () => {
  it('imports an OSS export directory, NDJSON and SLS files while the server runs', async () => {
    const oss = fixture('oss');
    const r = importFiles([oss, fixture('events.ndjson'), fixture('sls-export.log')]);
    expect(r.status).toBe(0);
    expect(r.summary).toMatchObject({
      accountId: creds.accountId,
      files: 4,
      read: 10,
      imported: 10,
      duplicates: 0,
      rejected: 0,
    });
    const ids = await lookupIds('2024-05-10T00:00:00Z', '2024-05-13T00:00:00Z');
    expect(ids).toHaveLength(10);
    expect(ids).toContain('F1E70001-0000-4000-8000-000000000001'); // from the gzip OSS file
    const signin = await call('openapi V3', server, creds, 'LookupEvents', {
      'LookupAttribute.1.Key': 'EventName',
      'LookupAttribute.1.Value': 'ConsoleSignin',
      StartTime: '2024-05-12T00:00:00Z',
      EndTime: '2024-05-13T00:00:00Z',
    });
    expect(signin.Events).toMatchObject([{ serviceName: 'AasSub' }]); // unwrapped SLS line
  });

  it('adds nothing when the same files are imported again', async () => {
    const r = importFiles([fixture('oss'), fixture('events.ndjson'), fixture('sls-export.log')]);
    expect(r.status).toBe(0);
    expect(r.summary).toMatchObject({ read: 10, imported: 0, duplicates: 10, rejected: 0 });
    expect(await lookupIds('2024-05-10T00:00:00Z', '2024-05-13T00:00:00Z')).toHaveLength(10);
  });

  it('skips broken lines, reporting each with its file, line and reason', () => {
    const r = importFiles([fixture('broken.ndjson')]);
    expect(r.status).toBe(0);
    expect(r.summary).toMatchObject({
      read: 7,
      imported: 2,
      rejected: 5,
      rejectedByCode: { Unreadable: 2, InvalidEvent: 2, InvalidRegion: 1 },
    });
    const reported = r.stderr.split('\n').filter((l) => l.includes('broken.ndjson:'));
    expect(reported.map((l) => /broken\.ndjson:(\d+): (\w+)/.exec(l)?.slice(1))).toEqual([
      ['2', 'Unreadable'],
      ['3', 'InvalidEvent'],
      ['5', 'Unreadable'],
      ['6', 'InvalidEvent'],
      ['7', 'InvalidRegion'],
    ]);
    expect(reported[1]).toMatch(/eventName is missing/);
    expect(reported[4]).toMatch(/us-nowhere-1/);
  });

  it('prints a readable summary and fails when nothing could be imported', () => {
    const r = runCli(['import', fixture('only-bad.ndjson'), '--data-dir', server.dataDir]);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toMatch(/^read\s+3$/m);
    expect(r.stdout).toMatch(/^imported\s+0$/m);
    expect(r.stdout).toMatch(/^rejected\s+3 \(InvalidEvent 2, Unreadable 1\)$/m);
    expect(r.stderr).toMatch(/nothing was imported/);
  });

  it('rejects events older than the retention, as the ingest API does', () => {
    const r = importFiles([fixture('events.ndjson')], [], { OPENTRAIL_RETENTION_DAYS: '90' });
    expect(r.status).not.toBe(0);
    expect(r.summary).toMatchObject({ imported: 0, rejectedByCode: { InvalidEventTime: 3 } });
    expect(r.stderr).toMatch(/events\.ndjson:1: InvalidEventTime: .*older than the 90-day/);
  });

  it('needs an existing account, and names the command that creates one', () => {
    const r = importFiles([fixture('events.ndjson')], ['--account', '9999999999999999']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/account 9999999999999999 does not exist/);
    expect(r.stderr).toMatch(/keys create --new-account/);
  });
});
