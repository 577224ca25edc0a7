import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/api/actions/index.js';
import { buildApp } from '../../src/app.js';
import { openDatabase } from '../../src/db/open-database.js';
import { createLogger } from '../../src/observability/logger.js';
import {
  type Answer,
  answers,
  ingest,
  inject,
  type Key,
  rpc,
  signed,
} from '../campaigns/security/security-requests.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Security campaign (issue 16 item 5), fast and complete: every implemented Action tried by
 * account B against account A's trails, jobs, events, selectors and templates; replays, skewed
 * clocks, STS tokens expired or not matching their key, the request size limit; and, after all
 * of it, no secret or token in the trace-level log, the stored events or any answer.
 * `npm run campaign:security` runs this file and prints the isolation matrix. It runs on both
 * databases: isolation is enforced by each repository's queries, and the nonce store two nodes
 * share is a different engine on each.
 */
const log: string[] = [];
let app: TestApp;
let a: Key;
let b: Key;
let bSts: Key;
const SLS_SECRET = 'sls-secret-must-not-leak';
const A_PROJECT = 'a-private-project';
const A_SQL = 'event.userIdentity.accessKeyId: a-private-marker';
const A_EVENTS = ['a-private-event-1', 'a-private-event-2'];
const ids: { job?: string; template?: string } = {};
// A fixed window: the default one moves with the clock between two looks.
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const LOOKUP_FROM = iso(Date.now() - 2 * 86_400_000);
const LOOKUP_TO = iso(Date.now() + 3_600_000);

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _enc, done) {
      log.push(String(chunk));
      done();
    },
  });
  app = await startTestApp({
    logger: createLogger('trace', sink),
    env: { OPENTRAIL_SLS_ACCESS_KEY_ID: 'sls-ak', OPENTRAIL_SLS_ACCESS_KEY_SECRET: SLS_SECRET },
  });
  a = app.key;
  b = await app.newKey({ newAccount: true });
  bSts = await app.newKey({ accountId: b.accountId, sts: { ttlSeconds: 3600 } });
  const arn = `acs:log:cn-hangzhou:${a.accountId}:project/${A_PROJECT}`;
  const ok = (r: Answer) => {
    expect(r.status, r.text).toBe(200);
    return r.body;
  };
  ok(await rpc(app, a, 'CreateTrail', { Name: 'a-trail', SlsProjectArn: arn }));
  ok(await rpc(app, a, 'StartLogging', { Name: 'a-trail' }));
  ok(
    await rpc(app, a, 'PutDataEventSelector', {
      TrailName: 'a-trail',
      EventSelectors: '[{"ServiceName":"Oss","ReadWriteType":"All"}]',
    }),
  );
  const now = new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const events = A_EVENTS.map((eventId) => ({
    eventId,
    eventName: 'CreateInstance',
    serviceName: 'Ecs',
    eventTime: now,
    userIdentity: { accessKeyId: a.accessKeyId, type: 'root-account' },
  }));
  expect(ok(await ingest(app, a, events)).Accepted).toBe(2);
  ids.job = String(
    ok(await rpc(app, a, 'CreateDeliveryHistoryJob', { TrailName: 'a-trail' })).JobId,
  );
  ids.template = String(
    ok(
      await rpc(app, a, 'CreateAdvancedQueryTemplate', {
        TemplateName: 'a-template',
        TemplateSql: A_SQL,
        SimpleQuery: 'true',
      }),
    ).TemplateId,
  );
  ok(await rpc(app, a, 'UpdateGlobalEventsStorageRegion', { StorageRegion: 'cn-shanghai' }));
});
afterAll(async () => {
  await app?.close();
});

/** What account A sees of its own resources: must be the same before and after B's attempts. */
async function viewOfA() {
  const calls: Array<[string, Record<string, string>]> = [
    ['DescribeTrails', {}],
    ['GetTrailStatus', { Name: 'a-trail' }],
    ['GetDataEventSelector', { TrailName: 'a-trail' }],
    ['GetDeliveryHistoryJob', { JobId: String(ids.job) }],
    ['ListDeliveryHistoryJobs', {}],
    ['GetAdvancedQueryTemplate', { TemplateId: String(ids.template) }],
    ['GetGlobalEventsStorageRegion', {}],
    [
      'LookupEvents',
      {
        'LookupAttribute.1.Key': 'EventId',
        'LookupAttribute.1.Value': A_EVENTS[0] as string,
        StartTime: LOOKUP_FROM,
        EndTime: LOOKUP_TO,
      },
    ],
  ];
  const view: Record<string, unknown> = {};
  for (const [action, params] of calls) {
    const { RequestId: _, ...body } = (await rpc(app, a, action, params)).body;
    view[action] = body;
  }
  return view;
}

/** B's parameters for each Action: A's identifiers wherever the Action takes one. */
function paramsAgainstA(action: string): Record<string, string> {
  const p: Record<string, string> = {
    Name: 'a-trail',
    TrailName: 'a-trail',
    JobId: String(ids.job),
    TemplateId: String(ids.template),
    AccessKey: a.accessKeyId,
    'LookupAttribute.1.Key': 'EventId',
    'LookupAttribute.1.Value': A_EVENTS[0] as string,
  };
  if (action === 'UpdateTrail') p.SlsProjectArn = `acs:log:cn-hangzhou:${a.accountId}:project/x`;
  if (action === 'PutDataEventSelector') p.EventSelectors = '[]';
  if (action === 'UpdateAdvancedQueryTemplate')
    Object.assign(p, { TemplateSql: 'x', SimpleQuery: 'true' });
  if (action === 'DescribeTrailDeliveryMetricData') {
    Object.assign(p, {
      StartTime: '2026-01-01T00:00:00Z',
      EndTime: '2026-01-02T00:00:00Z',
      MetricName: 'DeliverySucceedCount',
      Period: '3600',
    });
  }
  if (action === 'UpdateGlobalEventsStorageRegion') p.StorageRegion = 'cn-hangzhou';
  return p;
}

describe('security campaign', () => {
  it("account B reaches none of account A's resources through any Action", async () => {
    const before = await viewOfA();
    const markers = [a.accountId, A_PROJECT, A_SQL, ...A_EVENTS];
    const matrix: Record<string, string> = {};
    // Creating comes last: B's own "a-trail" must not make A's findable meanwhile.
    const actions = [...ACTIONS.keys()].sort(
      (x, y) => Number(x.startsWith('Create')) - Number(y.startsWith('Create')),
    );
    for (const action of actions) {
      for (const key of [b, bSts]) {
        const r = await rpc(app, key, action, paramsAgainstA(action));
        matrix[action] = `${r.status} ${r.status === 200 ? 'OK' : String(r.body.Code)}`;
        expect(r.status, `${action}: ${r.text}`).toBeLessThan(500);
        for (const m of markers) expect(r.text, `${action} shows ${m}`).not.toContain(m);
      }
    }
    expect(await viewOfA()).toEqual(before);
    if (process.env.SECURITY_REPORT) console.log(JSON.stringify(matrix, null, 1));
    // Named resources are not found (never "forbidden": that would confirm they exist).
    expect(matrix.GetTrailStatus).toBe('404 TrailNotFoundException');
    expect(matrix.GetDeliveryHistoryJob).toBe('404 DeliveryHistoryJobNotFound');
    expect(matrix.GetAdvancedQueryTemplate).toBe('404 AdvancedQueryTemplateNotFound');
    expect(matrix.DeleteTrail).toBe('404 TrailNotFoundException');
  });

  it('a replayed nonce or a skewed clock is refused, also by another node of the same database', async () => {
    const once = signed(app, a, 'DescribeRegions', {}, { nonce: 'sec-nonce-1' });
    expect((await inject(app, once)).status).toBe(200);
    expect((await inject(app, once)).body.Code).toBe('SignatureNonceUsed');
    // Another node: its own app and connection on the same database.
    const config = app.services.config;
    const handle = await openDatabase(config);
    const other = await buildApp({ ...app.services, db: handle.db });
    try {
      const replay = signed(app, a, 'DescribeRegions', {}, { nonce: 'sec-nonce-1' });
      const r = await other.inject({
        method: 'POST',
        url: replay.url,
        headers: replay.headers as Record<string, string>,
      });
      expect(JSON.parse(r.body).Code).toBe('SignatureNonceUsed');
    } finally {
      await other.close();
      await handle.close();
    }
    for (const skew of [-16 * 60_000, 16 * 60_000]) {
      const r = await rpc(app, a, 'DescribeRegions', {}, { nowMs: Date.now() + skew });
      expect(r.body.Code).toBe('InvalidTimeStamp.Expired');
    }
  });

  it('STS: an expired token, a token of another key, a missing token', async () => {
    const short = await app.newKey({ accountId: b.accountId, sts: { ttlSeconds: 1 } });
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await rpc(app, short, 'DescribeTrails')).body.Code).toBe(
      'InvalidSecurityToken.Expired',
    );
    const mismatched = { ...bSts, securityToken: short.securityToken };
    expect((await rpc(app, mismatched, 'DescribeTrails')).body.Code).toBe(
      'InvalidSecurityToken.MismatchWithAccessKey',
    );
    for (const v1 of [false, true]) {
      const r = await rpc(app, { ...bSts, securityToken: undefined }, 'DescribeTrails', {}, { v1 });
      expect(r.body.Code).toBe('MissingSecurityToken');
    }
    // A wrong secret with a token: the v1 error echoes the string to sign, never the token.
    const wrong = await rpc(
      app,
      { ...bSts, accessKeySecret: 'nope' },
      'DescribeTrails',
      {},
      { v1: true },
    );
    expect(wrong.body.Code).toBe('SignatureDoesNotMatch');
  });

  it('a body over the RPC limit is refused with 413 RequestEntityTooLarge', async () => {
    const req = signed(app, a, 'DescribeTrails');
    const big = {
      ...req,
      body: Buffer.alloc(1024 * 1024 + 1, 0x61),
      headers: { ...req.headers, 'content-type': 'text/plain' },
    };
    const r = await inject(app, big);
    expect([r.status, r.body.Code]).toEqual([413, 'RequestEntityTooLarge']);
  });

  it('no secret or token in the trace-level log, the stored events or any answer', async () => {
    const secrets = [a, b, bSts].flatMap((k) => [k.accessKeySecret, k.securityToken ?? []]).flat();
    secrets.push(SLS_SECRET);
    const stored = await app.handle.db.selectFrom('events').select('event_json').execute();
    const places: Array<[string, string]> = [
      ['log', log.join('')],
      ['stored events', stored.map((e) => e.event_json).join('\n')],
      ['answers', answers.map((x) => x.text).join('\n')],
    ];
    expect(log.length).toBeGreaterThan(50); // the log really was captured, at trace level
    for (const [where, text] of places) {
      for (const s of secrets) {
        const at = Math.max(text.indexOf(s), text.indexOf(encodeURIComponent(s)));
        expect(at, `${where} holds a secret: …${text.slice(at - 300, at + 50)}`).toBe(-1);
      }
    }
  });
});
