import { describe, expect, it } from 'vitest';
import { DAY_MS, MINUTE_MS } from '../lib/time.js';
import { canonicalJson, uuidV5 } from './event-id.js';
import { parseEventTime, type ValidationContext, validateEvent } from './event-validation.js';

const NOW = Date.UTC(2024, 4, 10, 12, 0, 0);
const ctx: ValidationContext = {
  accountId: '1234567890123456',
  now: NOW,
  retentionMs: 90 * DAY_MS,
  regions: ['cn-hangzhou', 'cn-shanghai'],
  defaultRegion: 'cn-hangzhou',
};

function base(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventName: 'DescribeInstances',
    serviceName: 'Ecs',
    eventTime: '2024-05-10T11:00:00Z',
    userIdentity: { type: 'ram-user', accountId: '9999999999999999', userName: 'alice' },
    ...extra,
  };
}

function accepted(raw: unknown, context = ctx): Record<string, unknown> {
  const result = validateEvent(raw, context);
  if (!result.ok) throw new Error(`rejected: ${result.code} ${result.message}`);
  return result.event;
}

function rejected(raw: unknown, context = ctx): { code: string; message: string } {
  const result = validateEvent(raw, context);
  if (result.ok) throw new Error('accepted unexpectedly');
  return result;
}

describe('validateEvent rules', () => {
  it('rejects non-objects', () => {
    for (const raw of [null, 42, 'x', [base()]]) expect(rejected(raw).code).toBe('InvalidEvent');
  });

  it.each(['eventName', 'serviceName', 'eventTime'])('requires %s and names it', (field) => {
    const raw = base();
    delete raw[field];
    expect(rejected(raw)).toEqual({
      ok: false,
      code: 'InvalidEvent',
      message: `${field} is missing`,
    });
  });

  it.each([
    ['eventName', ''],
    ['eventName', 42],
    ['serviceName', '   '],
    ['serviceName', 'x'.repeat(129)],
    ['eventName', 'Describe\nInstances'],
    ['eventId', 7],
    ['eventType', { a: 1 }],
    ['acsRegion', 5],
    ['userIdentity', 'root'],
    ['eventVersion', { v: 1 }],
  ])('rejects malformed %s (%j)', (field, value) => {
    const { code, message } = rejected(base({ [field]: value }));
    expect(code).toBe('InvalidEvent');
    expect(message.startsWith(field)).toBe(true);
  });

  it.each([
    '2024-05-10',
    '2024-05-10 11:00:00',
    '2024-05-10T11:00:00',
    '2024-02-30T11:00:00Z',
    '2024-05-10T24:00:00Z',
    'yesterday',
    1715338800000,
  ])('rejects a malformed eventTime %j', (eventTime) => {
    const { code, message } = rejected(base({ eventTime }));
    expect(code).toBe('InvalidEvent');
    expect(message).toMatch(/^eventTime must be ISO 8601/);
  });

  it('rejects eventTime more than 15 minutes ahead, accepts up to 15', () => {
    const ahead = (ms: number) => new Date(NOW + ms).toISOString();
    expect(rejected(base({ eventTime: ahead(16 * MINUTE_MS) }))).toMatchObject({
      code: 'InvalidEventTime',
      message: expect.stringMatching(/^eventTime .* future/),
    });
    expect(accepted(base({ eventTime: ahead(15 * MINUTE_MS) })).eventTime).toBe(
      '2024-05-10T12:15:00Z',
    );
  });

  it('rejects eventTime older than retention', () => {
    const old = new Date(NOW - 90 * DAY_MS - 1000).toISOString();
    expect(rejected(base({ eventTime: old }))).toMatchObject({
      code: 'InvalidEventTime',
      message: expect.stringMatching(/^eventTime .* 90-day retention/),
    });
    expect(accepted(base({ eventTime: new Date(NOW - 90 * DAY_MS).toISOString() }))).toBeTruthy();
  });

  it('rejects events over 256 KB', () => {
    const { code, message } = rejected(
      base({ requestParameters: { Blob: 'x'.repeat(256 * 1024) } }),
    );
    expect(code).toBe('EventTooLarge');
    expect(message).toMatch(/262144/);
    expect(accepted(base({ requestParameters: { Blob: 'x'.repeat(200 * 1024) } }))).toBeTruthy();
  });

  it('rejects a region outside the configured list', () => {
    expect(rejected(base({ acsRegion: 'us-east-1' }))).toEqual({
      ok: false,
      code: 'InvalidRegion',
      message: 'acsRegion "us-east-1" is not a configured region',
    });
    expect(rejected(base(), { ...ctx, defaultRegion: 'eu-west-1' }).code).toBe('InvalidRegion');
  });
});

describe('validateEvent normalisation', () => {
  it('re-formats eventTime with fraction or offset to yyyy-MM-ddTHH:mm:ssZ', () => {
    expect(accepted(base({ eventTime: '2024-05-10T11:00:00.987Z' })).eventTime).toBe(
      '2024-05-10T11:00:00Z',
    );
    expect(accepted(base({ eventTime: '2024-05-10T19:00:00+08:00' })).eventTime).toBe(
      '2024-05-10T11:00:00Z',
    );
    expect(accepted(base({ eventTime: '2024-05-10T06:30:00.5-0430' })).eventTime).toBe(
      '2024-05-10T11:00:00Z',
    );
    expect(parseEventTime('2024-05-10t11:00:00z')).toBe(Date.UTC(2024, 4, 10, 11));
  });

  it('fills defaults and keeps values that were sent', () => {
    const event = accepted(base());
    expect(event).toMatchObject({
      acsRegion: 'cn-hangzhou',
      eventVersion: '1',
      eventCategory: 'Management',
      eventType: 'ApiCall',
    });
    const sent = accepted(
      base({
        acsRegion: 'cn-shanghai',
        eventVersion: 1,
        eventType: 'ConsoleSignin',
        eventId: 'E-1',
      }),
    );
    expect(sent).toMatchObject({
      acsRegion: 'cn-shanghai',
      eventVersion: 1,
      eventType: 'ConsoleSignin',
      eventId: 'E-1',
    });
  });

  it('overwrites recipientAccountId and keeps userIdentity.accountId', () => {
    const event = accepted(base({ recipientAccountId: '1111111111111111' }));
    expect(event.recipientAccountId).toBe(ctx.accountId);
    expect((event.userIdentity as { accountId: string }).accountId).toBe('9999999999999999');
  });

  it('does not modify the input', () => {
    const raw = base();
    const copy = structuredClone(raw);
    accepted(raw);
    expect(raw).toEqual(copy);
  });
});

describe('validateEvent json (the stored text without a second serialisation)', () => {
  const complete = (extra: Record<string, unknown> = {}) =>
    base({
      eventId: 'e-1',
      eventVersion: '1',
      eventCategory: 'Management',
      eventType: 'ApiCall',
      acsRegion: 'cn-shanghai',
      recipientAccountId: ctx.accountId,
      ...extra,
    });

  it('is the record as sent when nothing was added or changed, and equals the event serialised', () => {
    const raw = complete({ 'x\u2028y': ['\ud800', 1e21] });
    const result = validateEvent(JSON.parse(JSON.stringify(raw)), ctx);
    if (!result.ok) throw new Error(result.message);
    expect(result.json).toBe(JSON.stringify(result.event));
    expect(result.json).toBe(JSON.stringify(JSON.parse(JSON.stringify(raw))));
  });

  it('is absent whenever the event differs from the record', () => {
    for (const changed of [
      complete({ eventTime: '2024-05-10T11:00:00.5Z' }), // re-formatted
      complete({ eventTime: '2024-05-10t11:00:00z' }),
      complete({ recipientAccountId: '1111111111111111' }), // another account's export
      complete({ eventCategory: '' }), // a default filled in
      complete({ eventVersion: 1 }), // kept as sent: same value, json given (checked below)
      complete({ eventId: undefined }), // derived
      base({ eventId: 'e-1' }), // fields added at the end
    ]) {
      const result = validateEvent(JSON.parse(JSON.stringify(changed)), ctx);
      if (!result.ok) throw new Error(result.message);
      if (result.json !== undefined) expect(result.json).toBe(JSON.stringify(result.event));
      else expect(JSON.stringify(result.event)).not.toBe(JSON.stringify(changed));
    }
    const numericVersion = validateEvent(complete({ eventVersion: 1 }), ctx);
    expect(numericVersion.ok && numericVersion.json).toBe(
      JSON.stringify(complete({ eventVersion: 1 })),
    );
  });
});

describe('derived eventId', () => {
  it('is a stable UUIDv5 for the same content, whatever the key order', () => {
    const a = accepted(base()).eventId;
    const reordered = Object.fromEntries(Object.entries(base()).reverse());
    expect(accepted(reordered).eventId).toBe(a);
    expect(a).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
  });

  it('differs for different content or another account', () => {
    const a = accepted(base()).eventId;
    expect(accepted(base({ eventName: 'DescribeDisks' })).eventId).not.toBe(a);
    expect(accepted(base(), { ...ctx, accountId: '2234567890123456' }).eventId).not.toBe(a);
  });

  it('implements RFC 4122 version 5', () => {
    // The RFC's DNS namespace example, as computed by every UUID library.
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });
});

describe('canonicalJson', () => {
  it('sorts keys recursively and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('drops undefined like JSON.stringify', () => {
    expect(canonicalJson({ a: undefined, b: [undefined], c: null })).toBe('{"b":[null],"c":null}');
    expect(JSON.parse(canonicalJson({ s: 'é"\n' }))).toEqual({ s: 'é"\n' });
  });
});
