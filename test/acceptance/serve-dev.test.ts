import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_KEY } from '../../src/domain/emulator/dev-controls.js';
import { callHook, callHookViaSdk } from '../helpers/dev-hooks.js';
import { call, callExpectingError } from '../helpers/sdk-clients.js';
import { type ServerProcess, startServer } from '../helpers/server-process.js';

/**
 * [F3] `opentrail serve --dev` as a test author starts it: no data dir, no presets. It says it
 * is in dev mode, answers the documented admin key, is steered through the hooks with the
 * official SDK, and leaves nothing behind.
 */
describe('serve --dev', () => {
  let server: ServerProcess;
  let target: { url: string; host: string };

  beforeAll(async () => {
    // On PostgreSQL the test database comes through OPENTRAIL_DATABASE_URL (then it is kept).
    server = await startServer({
      args: ['--dev'],
      noDataDirFlag: true,
      // An operator's setting, checked here on the one server this file starts.
      env: { OPENTRAIL_METRICS_LISTEN: '127.0.0.1:0' },
    });
    target = { url: server.url, host: server.host };
  });
  afterAll(() => server?.stop());

  it('prints a banner with the known admin key, which works without presets', async () => {
    // Written before the "listening" line, but through another pipe: it may arrive just after.
    const deadline = Date.now() + 5000;
    while (!server.stderr().includes('=\n') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const banner = server.stderr();
    expect(banner).toContain('DEV MODE');
    expect(banner).toContain(`AccessKeyId:     ${DEV_KEY.accessKeyId} (admin)`);
    expect(banner).toContain(`AccessKeySecret: ${DEV_KEY.accessKeySecret}`);
    expect(banner).toContain(`AccountId:       ${DEV_KEY.accountId}`);
    expect(await call('pop-core POST', target, DEV_KEY, 'DescribeTrails', {})).toMatchObject({
      TrailList: [],
    });
  });

  it('is steered and broken through the hooks, then reset', async () => {
    expect(await callHookViaSdk(server.host, DEV_KEY, 'seed', { Events: 25 })).toMatchObject({
      Inserted: 25,
    });
    await callHookViaSdk(server.host, DEV_KEY, 'faults', { Action: 'DescribeTrails', Count: 1 });
    const broken = await callExpectingError('pop-core POST', target, DEV_KEY, 'DescribeTrails', {});
    expect(broken.code).toBe('ServiceUnavailable');
    await call('pop-core POST', target, DEV_KEY, 'CreateTrail', {
      Name: 'dev-trail',
      OssBucketName: 'dev-bucket',
    });
    const reset = await callHook(server.url, DEV_KEY, 'reset');
    expect(reset.status).toBe(200);
    expect(await call('pop-core POST', target, DEV_KEY, 'DescribeTrails', {})).toMatchObject({
      TrailList: [],
    });
  });

  it('serves /metrics on the metrics.listen address only; probes stay on the API port', async () => {
    const listening = server.stdout
      .map((l) => JSON.parse(l) as { msg?: string; metricsUrl?: string })
      .find((l) => l.msg === 'listening');
    const metricsUrl = listening?.metricsUrl ?? '';
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const scraped = await fetch(metricsUrl);
    expect(scraped.status).toBe(200);
    const text = await scraped.text();
    expect(text).toContain('# TYPE opentrail_process_resident_memory_bytes gauge');
    expect(text).toMatch(/opentrail_requests_total\{action="DescribeTrails",code="OK"\} \d/);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });

  it('removes its throw-away data directory on a clean stop', async () => {
    const dir = /Data:\s+(\S+) \(throw-away/.exec(server.stderr())?.[1];
    await server.stop();
    // With a database URL (PostgreSQL runs) nothing is thrown away and the banner says "kept".
    if (dir) expect(existsSync(dir)).toBe(false);
    else expect(server.stderr()).toMatch(/Data:\s+PostgreSQL .*kept/);
  });
});
