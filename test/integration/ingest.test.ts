import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildIngestRequest,
  type IngestRequestOptions,
  sendIngestRequest,
} from '../../src/api/ingest/ingest-client.js';
import { DAY_MS, formatIsoSeconds, HOUR_MS } from '../../src/lib/time.js';
import { type SampleEvent, sampleEvent } from '../helpers/sample-events.js';
import { type ClientKey, call } from '../helpers/sdk-clients.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/** POST /v1/events (decisions §3, docs/intake.md): partial acceptance, retries, gzip, lookup. */
let app: TestApp;

function post(options: Partial<IngestRequestOptions> = {}, key: ClientKey = app.key) {
  return sendIngestRequest(buildIngestRequest({ ...key, host: app.host, ...options }));
}

type Rejection = { Index: number; EventId: string; Code: string; Message: string };

/** An event an hour ago (well inside every window), without the fields a sender may omit. */
function recentEvent(overrides: SampleEvent = {}): SampleEvent {
  return sampleEvent(Date.now() - HOUR_MS, overrides);
}

async function lookup(key: ClientKey, attribute: [string, string]): Promise<SampleEvent[]> {
  const body = await call('openapi V3', app, key, 'LookupEvents', {
    'LookupAttribute.1.Key': attribute[0],
    'LookupAttribute.1.Value': attribute[1],
    StartTime: formatIsoSeconds(Date.now() - 2 * DAY_MS),
    EndTime: formatIsoSeconds(Date.now() + HOUR_MS),
    MaxResults: 50,
  });
  return body.Events as SampleEvent[];
}

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

describe('ingest API', () => {
  it('stores the good events of a mixed batch and names index and reason for each bad one', async () => {
    const good = [recentEvent(), recentEvent({ eventName: 'StartInstance' })];
    const tooLarge = recentEvent({ requestParameters: { UserData: 'x'.repeat(300 * 1024) } });
    const batch = [
      good[0],
      recentEvent({ eventName: undefined }),
      recentEvent({ eventTime: formatIsoSeconds(Date.now() + 2 * HOUR_MS) }),
      good[1],
      recentEvent({ eventTime: formatIsoSeconds(Date.now() - 200 * DAY_MS) }),
      recentEvent({ acsRegion: 'mars-north-1' }),
      tooLarge,
      'not an event',
      recentEvent({ eventTime: 'yesterday' }),
    ];
    const res = await post({ events: batch });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ Accepted: 2, Duplicates: 0 });
    expect(Object.keys(res.body)[0]).toBe('RequestId');
    const rejected = res.body.Rejected as Rejection[];
    expect(rejected.map((r) => [r.Index, r.Code])).toEqual([
      [1, 'InvalidEvent'],
      [2, 'InvalidEventTime'],
      [4, 'InvalidEventTime'],
      [5, 'InvalidRegion'],
      [6, 'EventTooLarge'],
      [7, 'InvalidEvent'],
      [8, 'InvalidEvent'],
    ]);
    expect(rejected[0]?.Message).toMatch(/^eventName is missing/);
    expect(rejected[0]?.EventId).toBe((batch[1] as SampleEvent).eventId);
    expect(rejected[1]?.Message).toMatch(/future/);
    expect(rejected[2]?.Message).toMatch(/90-day retention/);
    expect(rejected[3]?.Message).toMatch(/mars-north-1/);
    expect(rejected[6]?.Message).toMatch(/^eventTime/);
    const found = await lookup(app.key, ['EventId', String(good[1]?.eventId)]);
    expect(found).toHaveLength(1);
    expect(found[0]?.eventName).toBe('StartInstance');
  });

  it('ignores a retried batch, with eventIds and without (derived ids)', async () => {
    const withIds = [recentEvent(), recentEvent()];
    const withoutIds = [recentEvent({ eventId: undefined }), recentEvent({ eventId: undefined })];
    for (const events of [withIds, withoutIds]) {
      expect((await post({ events })).body).toMatchObject({ Accepted: 2, Duplicates: 0 });
      expect((await post({ events })).body).toMatchObject({ Accepted: 0, Duplicates: 2 });
      expect((await post({ events, ndjson: true, gzip: true })).body).toMatchObject({
        Accepted: 0,
        Duplicates: 2,
      });
    }
    const ip = '203.0.113.77';
    const derived = [recentEvent({ eventId: undefined, sourceIpAddress: ip })];
    await post({ events: derived });
    await post({ events: derived });
    const stored = await lookup(app.key, ['SourceIpAddress', ip]);
    expect(stored).toHaveLength(1);
    expect(String(stored[0]?.eventId)).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-/);
  });

  it('takes gzip bodies, JSON and NDJSON, and rejects only the broken NDJSON line', async () => {
    const a = recentEvent();
    const b = recentEvent();
    expect((await post({ events: [a], gzip: true })).body).toMatchObject({ Accepted: 1 });
    const lines = `${JSON.stringify(b)}\n{"eventName": oops\n\n${JSON.stringify(recentEvent())}\n`;
    const res = await post({
      body: Buffer.from(lines),
      gzip: true,
      contentType: 'application/x-ndjson',
    });
    expect(res.body.Accepted).toBe(2);
    const rejected = res.body.Rejected as Rejection[];
    expect(rejected).toEqual([
      {
        Index: 1,
        EventId: '',
        Code: 'InvalidEvent',
        Message: expect.stringMatching(/not valid JSON/),
      },
    ]);
    expect(await lookup(app.key, ['EventId', String(b.eventId)])).toHaveLength(1);
    // The same lines uncompressed: the same events, so nothing new.
    const plain = await post({
      body: Buffer.from(lines),
      contentType: 'application/x-ndjson; charset=utf-8',
    });
    expect(plain.body).toMatchObject({ Accepted: 0, Duplicates: 2 });
  });

  it("stores an event under the caller's account whatever recipientAccountId says", async () => {
    const other = await app.newKey({ newAccount: true });
    const event = recentEvent({ recipientAccountId: other.accountId });
    expect((await post({ events: [event] })).body).toMatchObject({ Accepted: 1 });
    const mine = await lookup(app.key, ['EventId', String(event.eventId)]);
    expect(mine[0]?.recipientAccountId).toBe(app.key.accountId);
    expect(await lookup(other, ['EventId', String(event.eventId)])).toHaveLength(0);
    // The same event sent by the other account is its own copy, not a duplicate.
    expect((await post({ events: [event] }, other)).body).toMatchObject({ Accepted: 1 });
  });

  it('defaults acsRegion to the region of the Host, and audits the call with counts only', async () => {
    const event = recentEvent({ acsRegion: undefined, eventName: 'AuditedIngest' });
    const res = await post({ events: [event, { eventName: 'x' }] });
    const stored = await lookup(app.key, ['EventId', String(event.eventId)]);
    expect(stored[0]?.acsRegion).toBe('cn-hangzhou');
    const audit = (await lookup(app.key, ['EventName', 'PutEvents'])).find(
      (e) => e.requestId === res.body.RequestId,
    );
    expect(audit).toMatchObject({
      serviceName: 'Actiontrail',
      eventRW: 'Write',
      requestParameters: { ContentType: 'application/json', EventCount: '2' },
      responseElements: { Accepted: 1, Duplicates: 0, Rejected: 1 },
    });
    expect(JSON.stringify(audit)).not.toContain('AuditedIngest');
  });
});

describe('ingest API through the official SDK (callApi, style ROA)', () => {
  const require = createRequire(import.meta.url);
  const OpenApi = require('@alicloud/openapi-client');
  function client(key: ClientKey) {
    return new OpenApi.default(
      new OpenApi.Config({ ...key, endpoint: app.host, protocol: 'http' }),
    ) as {
      callApi(p: unknown, r: unknown, rt: unknown): Promise<{ body: Record<string, unknown> }>;
    };
  }
  const params = (reqBodyType: 'json' | 'byte') =>
    new OpenApi.Params({
      action: 'PutEvents',
      version: '2020-07-06',
      protocol: 'HTTPS',
      pathname: '/v1/events',
      method: 'POST',
      authType: 'AK',
      style: 'ROA',
      reqBodyType,
      bodyType: 'json',
    });

  it('signs a JSON array (V3 over the body) and gzip NDJSON bytes, with long-term and STS keys', async () => {
    const event = recentEvent();
    const json = await client(app.key).callApi(
      params('json'),
      new OpenApi.OpenApiRequest({ body: [event] }),
      {},
    );
    expect(json.body).toMatchObject({ Accepted: 1, Duplicates: 0, Rejected: [] });
    const sts = await app.newKey({ accountId: app.key.accountId, sts: { ttlSeconds: 3600 } });
    const next = recentEvent();
    const gz = await client(sts).callApi(
      params('byte'),
      new OpenApi.OpenApiRequest({
        body: gzipSync(`${JSON.stringify(event)}\n${JSON.stringify(next)}\n`),
        headers: { 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' },
      }),
      {},
    );
    expect(gz.body).toMatchObject({ Accepted: 1, Duplicates: 1 });
    expect(await lookup(app.key, ['EventId', String(next.eventId)])).toHaveLength(1);
  });
});
