import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, runCli } from '../helpers/cli.js';
import { CLI_ONCE, MANY_CLI_RUNS, remoteEnv } from '../helpers/remote-cli.js';
import {
  BIN,
  type Credentials,
  REPO_ROOT,
  readCredentials,
  type ServerProcess,
  startServer,
} from '../helpers/server-process.js';

const DEAD = 'http://127.0.0.1:1';

describe.runIf(CLI_ONCE)(
  'where remote commands find the endpoint and key: flags > environment > profile',
  MANY_CLI_RUNS,
  () => {
    let server: ServerProcess;
    let creds: Credentials;
    /** A HOME with a default profile (the right key) and a "broken" one (a wrong secret). */
    let home: Record<string, string>;
    beforeAll(async () => {
      server = await startServer();
      creds = readCredentials(server.dataDir);
      home = remoteEnv(undefined, undefined);
      const save = (profile: string, secret: string) =>
        runCli(
          [
            'configure',
            '--profile',
            profile,
            '--endpoint',
            server.host, // a bare host:port, as openapi-client takes it
            '--access-key-id',
            creds.accessKeyId,
            '--access-key-secret',
            secret,
          ],
          home,
        );
      expect(save('default', creds.accessKeySecret).status).toBe(0);
      expect(save('broken', 'not-the-secret').stdout).toMatch(/^saved profile "broken" in /);
    });
    afterAll(() => server?.stop());

    it('configure writes ~/.opentrail/config.json with mode 0600; configure list never shows a secret', () => {
      const file = path.join(home.HOME as string, '.opentrail', 'config.json');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const saved = JSON.parse(readFileSync(file, 'utf8'));
      expect(saved.profiles.default).toEqual({
        endpoint: server.url,
        accessKeyId: creds.accessKeyId,
        accessKeySecret: creds.accessKeySecret,
      });
      const list = runCli(['configure', 'list'], home);
      expect(list.stdout).toMatch(
        new RegExp(`^default\\s+${server.url}\\s+${creds.accessKeyId}\\s+no$`, 'm'),
      );
      expect(list.stdout).toMatch(/^broken\s/m);
      const json = runCli(['configure', 'list', '--json'], home);
      expect(json.stdout).not.toContain(creds.accessKeySecret);
      expect(json.stdout).not.toContain('not-the-secret');
      expect(JSON.parse(json.stdout).profiles).toHaveLength(2);
    });

    it('the default profile alone is enough; --profile and OPENTRAIL_PROFILE pick another', () => {
      expect(runCli(['trails', 'list', '--json'], home).status).toBe(0);
      const broken = runCli(['trails', 'list', '--profile', 'broken'], home);
      expect(broken.status).toBe(5);
      expect(broken.stderr).toContain('SignatureDoesNotMatch');
      expect(runCli(['trails', 'list'], { ...home, OPENTRAIL_PROFILE: 'broken' }).status).toBe(5);
      const unknown = runCli(['trails', 'list', '--profile', 'nobody'], home);
      expect(unknown.status).toBe(2);
      expect(unknown.stderr).toContain('no profile "nobody"');
    });

    it('the environment beats the profile, and flags beat the environment', () => {
      // Endpoint: the environment's dead one wins over the profile's, a flag wins over both.
      expect(runCli(['trails', 'list'], { ...home, OPENTRAIL_ENDPOINT: DEAD }).status).toBe(6);
      expect(runCli(['trails', 'list'], { ...home, ALIBABA_CLOUD_ENDPOINT: DEAD }).status).toBe(6);
      expect(
        runCli(['trails', 'list', '--endpoint', server.url], { ...home, OPENTRAIL_ENDPOINT: DEAD })
          .status,
      ).toBe(0);
      // Key: the environment's right key fixes the broken profile; a wrong flag breaks it again.
      const envKey = {
        ...home,
        OPENTRAIL_PROFILE: 'broken',
        ALIBABA_CLOUD_ACCESS_KEY_ID: creds.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: creds.accessKeySecret,
      };
      expect(runCli(['trails', 'list'], envKey).status).toBe(0);
      expect(runCli(['trails', 'list', '--access-key-secret', 'wrong'], envKey).status).toBe(5);
    });

    it('an STS key works with its SecurityToken from the environment, and is refused without it', () => {
      const sts = createKey(server.dataDir, ['--sts', '--ttl', '600']);
      const env = remoteEnv(server, sts);
      const without = runCli(['trails', 'list'], env);
      expect(without.status).toBe(5);
      expect(without.stderr).toMatch(/MissingSecurityToken[\s\S]*hint: .*--security-token/);
      expect(
        runCli(['trails', 'list'], {
          ...env,
          ALIBABA_CLOUD_SECURITY_TOKEN: sts.securityToken ?? '',
        }).status,
      ).toBe(0);
    });

    it('configure without the key on a pipe is a usage error (2) and writes nothing', () => {
      const fresh = remoteEnv(undefined, undefined);
      const r = runCli(['configure', '--endpoint', server.url], fresh);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('a profile needs');
      expect(() =>
        statSync(path.join(fresh.HOME as string, '.opentrail', 'config.json')),
      ).toThrow();
    });
  },
);

describe.runIf(CLI_ONCE)('opentrail configure on a terminal', MANY_CLI_RUNS, () => {
  it('asks for what the flags left out (util-linux script), hides the secret, saves with mode 0600', async () => {
    const home = remoteEnv(undefined, undefined);
    const command = [process.execPath, BIN, 'configure', '--profile', 'asked']
      .map((a) => `'${a}'`)
      .join(' ');
    // Each answer is typed only once its question is on the screen, as a person would: typed
    // ahead, the terminal itself would echo it before the command could turn echo off.
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...home },
    });
    const answers: Array<[string, string]> = [
      ['Endpoint', '127.0.0.1:8080'],
      ['AccessKeyId:', 'LTAIasked'],
      ['AccessKeySecret:', 'asked-secret'],
      ['SecurityToken', ''],
    ];
    let screen = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      screen += chunk;
      const next = answers[0];
      if (next && screen.includes(next[0])) {
        answers.shift();
        child.stdin.write(`${next[1]}\r`);
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(screen).toContain('LTAIasked'); // an AccessKeyId is echoed as typed …
    expect(screen).not.toContain('asked-secret'); // … the secret is not
    expect(screen).toMatch(/saved profile "asked"/);
    const file = path.join(home.HOME as string, '.opentrail', 'config.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).profiles.asked).toEqual({
      endpoint: 'http://127.0.0.1:8080',
      accessKeyId: 'LTAIasked',
      accessKeySecret: 'asked-secret',
    });
  });
});

describe.runIf(CLI_ONCE)('opentrail completion', MANY_CLI_RUNS, () => {
  it('bash: completes commands and subcommands in a real bash', () => {
    const file = path.join(
      mkdtempSync(path.join(tmpdir(), 'opentrail-completion-')),
      'opentrail.bash',
    );
    writeFileSync(file, runCli(['completion', 'bash']).stdout);
    const complete = (words: string[]) => {
      const r = spawnSync(
        'bash',
        [
          '-c',
          `source '${file}'; COMP_WORDS=(${words.join(' ')}); COMP_CWORD=${words.length - 1}; _opentrail; echo "\${COMPREPLY[*]}"`,
        ],
        { encoding: 'utf8' },
      );
      return r.stdout.trim().split(' ');
    };
    expect(complete(['opentrail', 'tr'])).toEqual(['trails']);
    expect(complete(['opentrail', 'jobs', 'w'])).toEqual(['watch']);
    expect(complete(['opentrail', 'trails', 'create', '--sls'])).toEqual([
      '--sls-project-arn',
      '--sls-write-role-arn',
    ]);
  });

  it('zsh: a #compdef script; an unknown shell is a usage error', () => {
    const zsh = runCli(['completion', 'zsh']);
    expect(zsh.stdout).toMatch(/^#compdef opentrail\n/);
    expect(zsh.stdout).toContain('complete -o default -F _opentrail opentrail');
    const fish = runCli(['completion', 'fish']);
    expect(fish.status).toBe(2);
  });
});
