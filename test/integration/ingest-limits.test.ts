import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildIngestRequest,
  type IngestRequestOptions,
  type IngestResponse,
  sendIngestRequest,
} from '../../src/api/ingest/ingest-client.js';
import { buildV1Request } from '../../src/api/signature/client-signers.js';
import { setKeyEnabled } from '../../src/domain/accounts/access-keys.js';
import { HOUR_MS } from '../../src/lib/time.js';
import { sampleEvent } from '../helpers/sample-events.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/** The whole-request limits of decisions §3 and the authentication of POST /v1/events. */
let app: TestApp;
const MB10 = 10 * 1024 * 1024;

function post(options: Partial<IngestRequestOptions> = {}): Promise<IngestResponse> {
  return sendIngestRequest(buildIngestRequest({ ...app.key, host: app.host, ...options }));
}

/** What a client sees of a refused request: status, code and the usual error body. */
function expectError(res: IngestResponse, status: number, code: string): string {
  expect(res.status).toBe(status);
  expect(Object.keys(res.body)).toEqual(['RequestId', 'HostId', 'Code', 'Message', 'Recommend']);
  expect(res.body.Code).toBe(code);
  return String(res.body.Message);
}

async function storedEvents(): Promise<number> {
  const rows = await app.handle.db
    .selectFrom('events')
    .select('seq')
    .where('service_name', '!=', 'Actiontrail')
    .execute();
  return rows.length;
}

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

describe('ingest limits', () => {
  it('refuses a body over 10 MB as sent with 413 RequestEntityTooLarge', async () => {
    const body = Buffer.from(JSON.stringify([{ pad: randomBytes(MB10 / 2).toString('hex') }]));
    expectError(await post({ body }), 413, 'RequestEntityTooLarge');
  });

  it('refuses a gzip body that inflates beyond 10 MB with 413, storing nothing', async () => {
    const event = JSON.stringify(sampleEvent(Date.now() - HOUR_MS));
    const body = Buffer.from(`[${event}${' '.repeat(MB10)}]`);
    const message = expectError(await post({ body, gzip: true }), 413, 'RequestEntityTooLarge');
    expect(message).toMatch(/inflates/);
    expect(await storedEvents()).toBe(0);
  });

  it('refuses more than 10,000 events with 400 InvalidParameter, and takes 10,000', async () => {
    const events = Array.from({ length: 10_001 }, () => ({}));
    expect(expectError(await post({ events }), 400, 'InvalidParameter')).toMatch(/10000 events/);
    const ndjson = expectError(await post({ events, ndjson: true }), 400, 'InvalidParameter');
    expect(ndjson).toMatch(/this one has 10001/);
    const full = await post({ events: events.slice(1), gzip: true });
    expect(full.status).toBe(200);
    expect((full.body.Rejected as unknown[]).length).toBe(10_000);
  });

  it('refuses a body that is not JSON or NDJSON at all with 400 InvalidParameter', async () => {
    const cases: Array<[Partial<IngestRequestOptions>, RegExp]> = [
      [{ body: Buffer.from('hello') }, /not valid JSON/],
      [{ body: Buffer.from('{"eventName":"x"}') }, /JSON array/],
      [{ body: Buffer.from('hello\nworld\n'), ndjson: true }, /not NDJSON/],
      [{ body: Buffer.from('[]'), contentType: 'text/plain' }, /Content-Type/],
      [{ body: Buffer.from('[]'), contentEncoding: 'gzip' }, /not valid gzip/],
      [{ body: Buffer.from('[]'), contentEncoding: 'br' }, /Content-Encoding "br"/],
    ];
    for (const [options, message] of cases) {
      expect(expectError(await post(options), 400, 'InvalidParameter')).toMatch(message);
    }
    expect(await storedEvents()).toBe(0);
  });
});

describe('ingest authentication', () => {
  const events = [sampleEvent(Date.now() - HOUR_MS)];

  it('rejects unsigned, v1-signed, wrongly signed and tampered requests', async () => {
    const unsigned = await fetch(`${app.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(events),
    });
    expect(unsigned.status).toBe(400);
    expect(((await unsigned.json()) as { Code: string }).Code).toBe('MissingParameter');

    const v1 = buildV1Request({
      ...app.key,
      method: 'POST',
      action: 'PutEvents',
      version: '2020-07-06',
      nowMs: Date.now(),
      host: app.host,
    });
    const v1res = await sendIngestRequest({ ...v1, url: '/v1/events' });
    expect(expectError(v1res, 400, 'IncompleteSignature')).toMatch(/ACS3-HMAC-SHA256/);

    const wrongSecret = { ...app.key, accessKeySecret: 'not-the-secret' };
    const wrong = await sendIngestRequest(
      buildIngestRequest({ ...wrongSecret, host: app.host, events }),
    );
    expectError(wrong, 400, 'SignatureDoesNotMatch');

    const signed = buildIngestRequest({ ...app.key, host: app.host, events });
    const tampered = { ...signed, body: Buffer.from(JSON.stringify([sampleEvent(Date.now())])) };
    expectError(await sendIngestRequest(tampered), 400, 'SignatureDoesNotMatch');

    const unknownKey = { accessKeyId: 'LTAInobody', accessKeySecret: 'x' };
    const unknown = await sendIngestRequest(
      buildIngestRequest({ ...unknownKey, host: app.host, events }),
    );
    expectError(unknown, 404, 'InvalidAccessKeyId.NotFound');
    expect(await storedEvents()).toBe(0);
  });

  it('applies the gateway checks: timestamp, nonce, disabled key, Action and Version', async () => {
    expectError(
      await post({ events, nowMs: Date.now() - 2 * HOUR_MS }),
      400,
      'InvalidTimeStamp.Expired',
    );
    const once = buildIngestRequest({ ...app.key, host: app.host, events });
    expect((await sendIngestRequest(once)).status).toBe(200);
    expectError(await sendIngestRequest(once), 400, 'SignatureNonceUsed');
    expectError(await post({ events, action: 'LookupEvents' }), 404, 'InvalidAction.NotFound');
    expectError(await post({ events, version: '2017-12-04' }), 400, 'InvalidVersion');
    const spare = await app.newKey({ accountId: app.key.accountId });
    await setKeyEnabled(app.handle.db, spare.accessKeyId, false);
    const disabled = await sendIngestRequest(
      buildIngestRequest({ ...spare, host: app.host, events }),
    );
    expectError(disabled, 400, 'InvalidAccessKeyId.Inactive');
  });
});
