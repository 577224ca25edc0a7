import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { CLI_ONCE, MANY_CLI_RUNS, remoteEnv, runJson } from '../helpers/remote-cli.js';
import {
  type Credentials,
  readCredentials,
  type ServerProcess,
  startServer,
} from '../helpers/server-process.js';

describe.runIf(CLI_ONCE)(
  'the [T] Actions and `opentrail api` against a running server',
  MANY_CLI_RUNS,
  () => {
    let server: ServerProcess;
    let creds: Credentials;
    let env: Record<string, string>;
    beforeAll(async () => {
      server = await startServer();
      creds = readCredentials(server.dataDir);
      env = remoteEnv(server, creds);
    });
    afterAll(() => server?.stop());

    it('selectors put/show/list/delete on an SLS trail', () => {
      const arn = `acs:log:cn-hangzhou:${creds.accountId}:project/cli-project`;
      runJson(['trails', 'create', 'selector-trail', '--sls-project-arn', arn], env);
      const put = runCli(
        ['selectors', 'put', 'selector-trail', '--selectors', '[{"ServiceName":"OSS"}]'],
        env,
      );
      expect(put.status).toBe(0);
      expect(runJson(['selectors', 'show', 'selector-trail'], env)).toMatchObject({
        DataEventSelectors: '[{"ServiceName":"OSS"}]',
      });
      const list = runJson(['selectors', 'list'], env);
      expect(list.DataEventSelectorInfos).toEqual([
        expect.objectContaining({ TrailName: 'selector-trail' }),
      ]);
      expect(runCli(['selectors', 'delete', 'selector-trail'], env).status).toBe(0);
      expect(runJson(['selectors', 'list'], env).DataEventSelectorInfos).toEqual([]);
      const bad = runCli(['selectors', 'put', 'selector-trail', '--selectors', '{oops'], env);
      expect(bad.status).toBe(2);
    });

    it('templates create/list/update/show/delete; an unknown id exits 4', () => {
      const id = runCli(
        ['templates', 'create', '--sql', '* | select 1', '--name', 'first'],
        env,
      ).stdout.trim();
      expect(id).toMatch(/^\S+$/);
      const table = runCli(['templates', 'list'], env);
      expect(table.stdout).toMatch(
        new RegExp(`^${id}\\s+first\\s+false\\s+\\* \\| select 1$`, 'm'),
      );
      expect(runCli(['templates', 'update', id, '--name', 'renamed', '--simple'], env).status).toBe(
        0,
      );
      expect(runJson(['templates', 'show', id], env)).toMatchObject({
        TemplateId: id,
        TemplateName: 'renamed',
        SimpleQuery: true,
      });
      expect(runCli(['templates', 'delete', id], env).status).toBe(0);
      const gone = runCli(['templates', 'show', id], env);
      expect(gone.status).toBe(4);
      expect(gone.stderr).toContain('AdvancedQueryTemplateNotFound');
    });

    it('regions, storage-region and key-usage', () => {
      expect(runCli(['regions'], env).stdout).toMatch(/^cn-hangzhou\s+China \(Hangzhou\)/m);
      expect(runCli(['storage-region', 'set', 'cn-shanghai'], env).status).toBe(0);
      expect(runCli(['storage-region', 'show'], env).stdout).toBe('cn-shanghai\n');

      // Every call above is self-audited with this key, so it has been used with Actiontrail.
      const products = runJson(['key-usage', 'products', creds.accessKeyId], env);
      expect(products.Products).toEqual(
        expect.arrayContaining([expect.objectContaining({ ServiceName: 'Actiontrail' })]),
      );
      const info = runCli(['key-usage', 'info', creds.accessKeyId], env);
      expect(info.stdout).toMatch(/^ServiceName:\s+Actiontrail$/m);
      expect(info.stdout).not.toContain('Detail');
    });

    it('calls any Action through opentrail api Name=Value', () => {
      const counted = runJson(['api', 'DescribeUserLogCount'], env);
      expect((counted.Data as { Counts: number[] }).Counts.at(-1)).toBeGreaterThan(0);
      const unknown = runCli(['api', 'NoSuchAction'], env);
      expect(unknown.status).toBe(4);
      expect(unknown.stderr).toContain('InvalidAction.NotFound');
      expect(runCli(['api', 'DescribeTrails', 'not-an-assignment'], env).status).toBe(2);
    });
  },
);
