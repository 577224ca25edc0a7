import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIngestRequest, sendIngestRequest } from '../../src/api/ingest/ingest-client.js';
import { createKey } from '../helpers/cli.js';
import { type ClientKey, call, callExpectingError } from '../helpers/sdk-clients.js';
import { readCredentials, type ServerProcess, startServer } from '../helpers/server-process.js';

const SLS_SECRET = 'sls-secret-never-logged-7f3a';

/**
 * [F3] decisions §2: the log of a whole run at trace level — successes, refused signatures,
 * bad tokens, ingest, a delivery that keeps failing — holds one line per request with its
 * RequestId, Action, account and latency, and never a secret or a security token.
 */
describe('request logs', () => {
  let server: ServerProcess;
  let target: { url: string; host: string };
  let key: ClientKey & { accountId: string };
  let sts: ClientKey & { securityToken: string; accountId: string };
  const requestIds: Array<{ id: string; action: string; code?: string }> = [];

  beforeAll(async () => {
    server = await startServer({
      args: ['--log-level', 'trace'],
      env: {
        OPENTRAIL_REGIONS: 'cn-hangzhou',
        OPENTRAIL_DELIVERY_POLL_MS: '50',
        // An SLS that refuses connections: delivery fails and retries, and logs why.
        OPENTRAIL_SLS_ENDPOINT: 'http://127.0.0.1:1',
        OPENTRAIL_SLS_ACCESS_KEY_ID: 'LTAIslsWriterKey000000',
        OPENTRAIL_SLS_ACCESS_KEY_SECRET: SLS_SECRET,
      },
    });
    target = { url: server.url, host: server.host };
    key = readCredentials(server.dataDir);
    const made = createKey(server.dataDir, ['--sts', '--ttl', '3600']);
    sts = { ...made, securityToken: made.securityToken as string };
  });
  afterAll(() => server?.stop());

  const ok = async (
    variant: Parameters<typeof call>[0],
    k: ClientKey,
    action: string,
    params = {},
  ) => {
    const body = await call(variant, target, k, action, params);
    requestIds.push({ id: String(body.RequestId), action });
  };
  const fails = async (k: ClientKey, action: string, params = {}) => {
    const f = await callExpectingError('openapi V3', target, k, action, params);
    requestIds.push({ id: String(f.data?.RequestId), action, code: f.code });
    return f;
  };

  it('a full run, its failure paths included, logs no secret and no token', async () => {
    await ok('pop-core GET', sts, 'DescribeTrails'); // the token travels in the URL
    await ok('openapi V3', sts, 'DescribeTrails');
    await ok('openapi v1 RPC', key, 'DescribeRegions');
    const arn = `acs:log:cn-hangzhou:${key.accountId}:project/audit`;
    await ok('openapi V3', key, 'CreateTrail', { Name: 'log-trail', SlsProjectArn: arn });
    expect(
      (await fails({ ...key, accessKeySecret: `${key.accessKeySecret}x` }, 'DescribeTrails')).code,
    ).toBe('SignatureDoesNotMatch');
    expect(
      (await fails({ ...sts, securityToken: `${sts.securityToken}x` }, 'DescribeTrails')).code,
    ).toMatch(/^InvalidSecurityToken/);
    expect((await fails(sts, 'CreateTrail', { Name: 'x' })).code).toBe('InvalidTrailNameException');
    const ingest = await sendIngestRequest(
      buildIngestRequest({
        ...sts,
        host: server.host,
        events: [
          { eventName: 'Deploy', serviceName: 'MyApp', eventTime: new Date().toISOString() },
        ],
      }),
    );
    expect(ingest.status).toBe(200);
    requestIds.push({ id: String(ingest.body.RequestId), action: 'PutEvents' });
    // A backfill to the refusing SLS: attempts fail and are logged with their cause.
    await ok('openapi V3', key, 'CreateDeliveryHistoryJob', { TrailName: 'log-trail' });
    const deadline = Date.now() + 20_000;
    while (!server.stdout.some((l) => l.includes('delivery failed')) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await server.stop();

    const log = server.stdout.join('\n');
    expect(log).toContain('delivery failed');
    for (const secret of [
      key.accessKeySecret,
      sts.accessKeySecret,
      sts.securityToken,
      SLS_SECRET,
    ]) {
      expect(log).not.toContain(secret);
    }
    // Every line is structured JSON.
    for (const line of server.stdout) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('one line per request with RequestId, Action, account and latency', () => {
    const lines = server.stdout.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const { id, action, code } of requestIds) {
      const mine = lines.filter((l) => l.requestId === id);
      expect(mine, id).toHaveLength(1);
      const line = mine[0] as Record<string, unknown>;
      expect(line).toMatchObject({ action, ms: expect.any(Number), level: 30 });
      if (code) expect(line.code).toBe(code);
      // The account once the signature verified; a refused signature has none to name.
      if (code !== 'SignatureDoesNotMatch' && !code?.startsWith('InvalidSecurityToken')) {
        expect(line.accountId).toBe(key.accountId);
      }
    }
  });
});
