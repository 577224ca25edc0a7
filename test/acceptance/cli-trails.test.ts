import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { CLI_ONCE, MANY_CLI_RUNS, remoteEnv, runJson } from '../helpers/remote-cli.js';
import {
  type Credentials,
  readCredentials,
  type ServerProcess,
  startServer,
} from '../helpers/server-process.js';

describe.runIf(CLI_ONCE)('opentrail trails … against a running server', MANY_CLI_RUNS, () => {
  let server: ServerProcess;
  let creds: Credentials;
  let env: Record<string, string>;
  beforeAll(async () => {
    server = await startServer();
    creds = readCredentials(server.dataDir);
    env = remoteEnv(server, creds);
  });
  afterAll(() => server?.stop());

  it('creates, lists, shows, updates, starts, stops and deletes a trail, with --json shapes', () => {
    const created = runJson(
      ['trails', 'create', 'cli-trail', '--oss-bucket-name', 'cli-bucket'],
      env,
    );
    expect(created).toMatchObject({
      Name: 'cli-trail',
      OssBucketName: 'cli-bucket',
      EventRW: 'All',
    });

    const listed = runJson(['trails', 'list'], env);
    expect((listed.TrailList as { Name: string }[]).map((t) => t.Name)).toContain('cli-trail');

    const table = runCli(['trails', 'list'], env);
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/^NAME\s+STATUS\s+HOMEREGION/);
    expect(table.stdout).toMatch(/cli-trail\s+Fresh\s+.*oss:\/\/cli-bucket/);

    const shown = runJson(['trails', 'show', 'cli-trail'], env);
    expect(shown).toMatchObject({
      Name: 'cli-trail',
      Status: 'Fresh',
      OssBucketName: 'cli-bucket',
    });
    expect(shown.TrailArn).toMatch(/^acs:actiontrail:/);

    const updated = runJson(
      ['trails', 'update', 'cli-trail', '--event-rw', 'Write', '--oss-key-prefix', 'audit-logs'],
      env,
    );
    expect(updated).toMatchObject({ EventRW: 'Write', OssKeyPrefix: 'audit-logs' });
    expect(runJson(['trails', 'show', 'cli-trail'], env)).toMatchObject({
      EventRW: 'Write',
      OssKeyPrefix: 'audit-logs',
    });

    const started = runCli(['trails', 'start', 'cli-trail'], env);
    expect(started.stdout).toBe('started logging for trail cli-trail\n');
    expect(runJson(['trails', 'status', 'cli-trail'], env)).toMatchObject({ IsLogging: true });
    const status = runCli(['trails', 'status', 'cli-trail'], env);
    expect(status.stdout).toMatch(/^IsLogging:\s+true$/m);

    expect(runCli(['trails', 'stop', 'cli-trail'], env).status).toBe(0);
    expect(runJson(['trails', 'status', 'cli-trail'], env)).toMatchObject({ IsLogging: false });

    expect(runCli(['trails', 'delete', 'cli-trail'], env).status).toBe(0);
    const gone = runCli(['trails', 'show', 'cli-trail'], env);
    expect(gone.status).toBe(4);
  });

  it('prints the Code and a hint, with an exit code per kind of error', () => {
    const missing = runCli(['trails', 'status', 'no-such-trail'], env);
    expect(missing.status).toBe(4);
    expect(missing.stderr).toMatch(/^opentrail: TrailNotFoundException: .*RequestId/m);
    expect(missing.stderr).toMatch(/^hint: .*opentrail trails list/m);
    expect(missing.stdout).toBe('');

    runJson(['trails', 'create', 'twice-trail', '--oss-bucket-name', 'twice-bucket'], env);
    const twice = runCli(
      ['trails', 'create', 'twice-trail', '--oss-bucket-name', 'twice-bucket'],
      env,
    );
    expect(twice.status).toBe(3);
    expect(twice.stderr).toContain('TrailAlreadyExistsException');

    const invalid = runCli(
      ['trails', 'create', 'bad-name-trail', '--sls-project-arn', 'nope'],
      env,
    );
    expect(invalid.status).toBe(3);
    expect(invalid.stderr).toContain('InvalidParameter');
  });

  it('tells a refused key (5), an unreachable server (6) and a usage error (2) apart', () => {
    const wrongSecret = runCli(['trails', 'list'], {
      ...env,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'wrong',
    });
    expect(wrongSecret.status).toBe(5);
    expect(wrongSecret.stderr).toContain('SignatureDoesNotMatch');
    // The secret is never echoed, not even the wrong one.
    expect(wrongSecret.stderr).not.toContain(creds.accessKeySecret);

    const unknownKey = runCli(['trails', 'list'], {
      ...env,
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAInobody',
    });
    expect(unknownKey.status).toBe(5);
    expect(unknownKey.stderr).toMatch(/InvalidAccessKeyId\.NotFound[\s\S]*hint: .*keys create/);

    const down = runCli(['trails', 'list'], { ...env, OPENTRAIL_ENDPOINT: 'http://127.0.0.1:1' });
    expect(down.status).toBe(6);
    expect(down.stderr).toMatch(
      /cannot reach http:\/\/127\.0\.0\.1:1[\s\S]*hint: is the server running/,
    );

    const noKey = runCli(['trails', 'list'], remoteEnv(server, undefined));
    expect(noKey.status).toBe(2);
    expect(noKey.stderr).toContain('no AccessKey');

    const usage = runCli(['trails', 'create'], env);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("missing required argument 'name'");

    expect(runCli(['trails', '--no-such-flag'], env).status).toBe(2);
    const help = runCli(['trails', 'create', '--help'], env);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--sls-project-arn <arn>');
  });
});
