import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { CLI_ONCE, MANY_CLI_RUNS, remoteEnv, runJson } from '../helpers/remote-cli.js';
import { readCredentials, type ServerProcess, startServer } from '../helpers/server-process.js';

const iso = (ms: number) =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

describe.runIf(CLI_ONCE)(
  'opentrail events put / lookup against a running server',
  MANY_CLI_RUNS,
  () => {
    let server: ServerProcess;
    let env: Record<string, string>;
    const now = Date.now();
    // 57 events of one name: not a multiple of the page size, so the last page is partial.
    const mine = Array.from({ length: 57 }, (_, i) => ({
      eventId: `cli-lookup-${i}`,
      eventName: 'CliLookupProbe',
      serviceName: 'Ecs',
      eventTime: iso(now - i * 60_000),
      userIdentity: { type: 'root-account', userName: 'probe-user' },
    }));
    beforeAll(async () => {
      server = await startServer();
      env = remoteEnv(server, readCredentials(server.dataDir));
      const file = path.join(server.dataDir, 'probe.ndjson');
      writeFileSync(file, mine.map((e) => JSON.stringify(e)).join('\n'));
      expect(runJson(['events', 'put', file], env)).toMatchObject({ Accepted: 57 });
    });
    afterAll(() => server?.stop());

    it('puts a JSON array file, and reports a second put as duplicates', () => {
      const file = path.join(server.dataDir, 'events.json');
      const batch = mine.map((e) => ({ ...e, eventId: `put-${e.eventId}`, eventName: 'PutProbe' }));
      writeFileSync(file, JSON.stringify(batch));
      const r = runCli(['events', 'put', file, '--batch-size', '20'], env);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe('57 events: 57 accepted, 0 duplicates, 0 rejected\n');
      expect(runJson(['events', 'put', file, '--gzip'], env)).toEqual({
        Events: 57,
        Accepted: 0,
        Duplicates: 57,
        Rejected: [],
      });
    });

    it('events put exits 3 and names each refused line by its place in the file', () => {
      const file = path.join(server.dataDir, 'mixed.ndjson');
      const good = { eventName: 'Fine', serviceName: 'Ecs', eventTime: iso(now) };
      writeFileSync(
        file,
        [
          good,
          { serviceName: 'Ecs', eventTime: iso(now) },
          'not json',
          { ...good, eventName: 'Fine2' },
        ]
          .map((e) => (typeof e === 'string' ? e : JSON.stringify(e)))
          .join('\n'),
      );
      const r = runCli(['events', 'put', file, '--batch-size', '2'], env);
      expect(r.status).toBe(3);
      expect(r.stdout).toBe('4 events: 2 accepted, 0 duplicates, 2 rejected\n');
      // Index 2 is in the second request: the place in the file, not in the batch.
      expect(r.stderr).toMatch(/#1: InvalidEvent: .*eventName/);
      expect(r.stderr).toMatch(/#2: InvalidEvent: /);

      const missing = runCli(['events', 'put', path.join(server.dataDir, 'nope.json')], env);
      expect(missing.status).toBe(2);
      expect(missing.stderr).toContain('cannot read');
    });

    it('lookup --all follows NextToken and returns every matching event (JSON and NDJSON)', () => {
      const filter = ['--event-name', 'CliLookupProbe', '--max-results', '10'];
      const all = runJson(['events', 'lookup', ...filter, '--all'], env);
      const ids = (all.Events as { eventId: string }[]).map((e) => e.eventId);
      expect(ids.sort()).toEqual(mine.map((e) => e.eventId).sort());
      expect(all.NextToken).toBeUndefined();

      const nd = runCli(['events', 'lookup', ...filter, '--all', '--ndjson'], env);
      const lines = nd.stdout.trim().split('\n');
      expect(lines).toHaveLength(57);
      expect(new Set(lines.map((l) => (JSON.parse(l) as { eventId: string }).eventId)).size).toBe(
        57,
      );

      const onePage = runJson(['events', 'lookup', ...filter], env);
      expect(onePage.Events).toHaveLength(10);
      expect(onePage.NextToken).toEqual(expect.any(String));
    });

    it('lookup prints a table, combines two filters, and shows where to continue', () => {
      const r = runCli(
        [
          'events',
          'lookup',
          '--service-name',
          'Ecs',
          '--attribute',
          'EventName=CliLookupProbe',
          '--max-results',
          '5',
        ],
        env,
      );
      expect(r.status).toBe(0);
      const [header, first, ...rest] = r.stdout.trim().split('\n');
      expect(header).toMatch(/^EVENTTIME\s+EVENTNAME\s+SERVICENAME\s+USER/);
      expect(first).toMatch(/^\S+Z\s+CliLookupProbe\s+Ecs\s+probe-user\s/);
      expect(rest).toHaveLength(4);
      expect(r.stderr).toMatch(/^more: --next-token \S+ \(or --all\)$/m);

      const nothing = runJson(['events', 'lookup', '--attribute', 'User=nobody-at-all'], env);
      expect(nothing.Events).toEqual([]);

      const bad = runCli(['events', 'lookup', '--start', 'yesterday'], env);
      expect(bad.status).toBe(3);
      expect(bad.stderr).toMatch(/^opentrail: Invalid\S*: /m);
    });
  },
);
