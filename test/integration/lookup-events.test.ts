import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEvents } from '../../src/db/repositories/events.repository.js';
import type { NewAccessKey } from '../../src/domain/accounts/access-keys.js';
import { DAY_MS, formatIsoSeconds, HOUR_MS } from '../../src/lib/time.js';
import { type SampleEvent, sampleEvent } from '../helpers/sample-events.js';
import { type ClientKey, call, callExpectingError, type Variant } from '../helpers/sdk-clients.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/** LookupEvents through the official SDKs against seeded events (docs/events.md). */
let app: TestApp;
let other: NewAccessKey;
/** A window two days back: no self-audit record of these tests falls into it. */
const T0 = Math.floor((Date.now() - 2 * DAY_MS) / 1000) * 1000;
const WINDOW = {
  StartTime: formatIsoSeconds(T0 - HOUR_MS),
  EndTime: formatIsoSeconds(T0 + HOUR_MS),
};

/** label → event; times increase in label order (e1 oldest). */
const seeded: Record<string, SampleEvent> = {};
const at = (i: number) => T0 + i * 1000;
function seed(label: string, i: number, fields: SampleEvent, identity: SampleEvent = {}) {
  seeded[label] = sampleEvent(at(i), fields, identity);
}
seed('e1', 1, {
  eventName: 'RunInstances',
  eventRW: 'Write',
  sourceIpAddress: '192.0.2.1',
  resourceName: 'i-1',
  eventAttributes: { SensitiveAction: 'true' },
});
seed(
  'e2',
  2,
  { sourceIpAddress: '192.0.2.2', resourceName: 'i-2' },
  {
    userName: 'bob',
    principalId: 'P-bob',
    accessKeyId: 'LTAIbob',
  },
);
seed('e3', 3, {
  serviceName: 'Oss',
  eventName: 'PutObject',
  eventRW: 'Write',
  eventType: 'ConsoleOperation',
  sourceIpAddress: '192.0.2.1',
  resourceType: 'ACS::OSS::Bucket',
  resourceName: 'i-1',
});
seed(
  'e4',
  4,
  {
    eventName: 'RunInstances',
    eventRW: 'Write',
    resourceType: 'ACS::ECS::Instance;ACS::VPC::VSwitch',
    resourceName: 'i-1;vsw-1',
  },
  {
    type: 'assumed-role',
    userName: 'deployer:s1',
    principalId: 'R-1:s1',
    accessKeyId: 'STS.deployer',
  },
);
seed('e5', 5, {
  serviceName: 'Ram',
  eventName: 'ConsoleSignin',
  eventType: 'ConsoleSignin',
  resourceType: undefined,
  resourceName: undefined,
});
seed('e6', 6, { eventName: 'RunInstances', eventType: 'ConsoleOperation', eventRW: 'Write' });

async function lookup(
  params: Record<string, unknown>,
  key: ClientKey = app.key,
  variant?: Variant,
) {
  return call(variant ?? 'openapi V3', app, key, 'LookupEvents', { ...WINDOW, ...params });
}
async function lookupError(params: Record<string, unknown>, key: ClientKey = app.key) {
  return callExpectingError('openapi V3', app, key, 'LookupEvents', { ...WINDOW, ...params });
}
function attrs(...pairs: Array<[string, string]>): Record<string, string> {
  return Object.fromEntries(
    pairs.flatMap(([k, v], i) => [
      [`LookupAttribute.${i + 1}.Key`, k],
      [`LookupAttribute.${i + 1}.Value`, v],
    ]),
  );
}
function labels(body: Record<string, unknown>): string[] {
  const ids = (body.Events as Array<{ eventId: string }>).map((e) => e.eventId);
  return ids.map((id) => Object.keys(seeded).find((l) => seeded[l]?.eventId === id) ?? id);
}

beforeAll(async () => {
  app = await startTestApp();
  other = await app.newKey({ newAccount: true });
  await insertEvents(app.handle.db, app.key.accountId, Object.values(seeded));
  // The other account holds look-alikes of every event, and even the same eventIds.
  await insertEvents(app.handle.db, other.accountId, Object.values(seeded));
  await insertEvents(app.handle.db, other.accountId, [sampleEvent(at(7), { eventId: 'only-b' })]);
});
afterAll(async () => {
  await app?.close();
});

describe('LookupEvents keys', () => {
  const single: Array<[string, string, string[]]> = [
    ['ServiceName', 'Ecs', ['e6', 'e4', 'e2', 'e1']],
    ['EventName', 'RunInstances', ['e6', 'e4', 'e1']],
    ['User', 'bob', ['e2']],
    ['EventId', 'e3', ['e3']],
    ['ResourceType', 'ACS::VPC::VSwitch', ['e4']],
    ['ResourceName', 'i-1', ['e4', 'e3', 'e1']],
    ['EventRW', 'Read', ['e5', 'e2']],
    ['EventAccessKeyId', 'STS.deployer', ['e4']],
    ['SensitiveAction', 'true', ['e1']],
    ['SourceIpAddress', '192.0.2.1', ['e3', 'e1']],
    ['EventType', 'ConsoleSignin', ['e5']],
    ['RoleName', 'deployer', ['e4']],
    ['PrincipalId', 'P-bob', ['e2']],
  ];
  it.each(single)('%s=%s finds exactly its events, newest first', async (key, value, want) => {
    const v = key === 'EventId' ? String(seeded[value]?.eventId) : value;
    expect(labels(await lookup(attrs([key, v])))).toEqual(want);
  });

  const pairs: Array<[string, string, string, string, string[]]> = [
    ['ServiceName', 'Ecs', 'EventName', 'RunInstances', ['e6', 'e4', 'e1']],
    ['ServiceName', 'Ecs', 'User', 'bob', ['e2']],
    ['ServiceName', 'Ecs', 'PrincipalId', 'R-1:s1', ['e4']],
    ['ServiceName', 'Ecs', 'RoleName', 'deployer', ['e4']],
    ['ServiceName', 'Ecs', 'ResourceName', 'i-1', ['e4', 'e1']],
    ['ServiceName', 'Ecs', 'EventRW', 'Read', ['e2']],
    ['ServiceName', 'Ecs', 'SensitiveAction', 'true', ['e1']],
    ['ServiceName', 'Ecs', 'EventType', 'ConsoleOperation', ['e6']],
    ['ResourceName', 'i-1', 'ResourceType', 'ACS::OSS::Bucket', ['e3']],
    ['ResourceName', 'i-1', 'EventName', 'RunInstances', ['e4', 'e1']],
    ['ResourceName', 'i-1', 'User', 'alice', ['e3', 'e1']],
    ['ResourceName', 'vsw-1', 'RoleName', 'deployer', ['e4']],
    ['EventType', 'ConsoleOperation', 'EventName', 'PutObject', ['e3']],
  ];
  it.each(pairs)('%s=%s AND %s=%s, in both orders', async (k1, v1, k2, v2, want) => {
    expect(labels(await lookup(attrs([k1, v1], [k2, v2])))).toEqual(want);
    expect(labels(await lookup(attrs([k2, v2], [k1, v1])))).toEqual(want);
  });

  it('ignores a third condition and keeps only the second of two equal keys', async () => {
    const third = attrs(['ServiceName', 'Ecs'], ['EventRW', 'Write'], ['User', 'nobody']);
    expect(labels(await lookup(third))).toEqual(['e6', 'e4', 'e1']);
    expect(labels(await lookup(attrs(['User', 'nobody'], ['User', 'bob'])))).toEqual(['e2']);
  });

  it('matches values exactly and case-sensitively', async () => {
    expect(labels(await lookup(attrs(['ServiceName', 'ecs'])))).toEqual([]);
    expect(labels(await lookup(attrs(['ResourceName', 'i'])))).toEqual([]);
  });

  it('rejects a disallowed pair and an unknown key with 400 InvalidParameter', async () => {
    const pair = await lookupError(attrs(['EventRW', 'Write'], ['User', 'bob']));
    expect(pair).toMatchObject({ code: 'InvalidParameter', statusCode: 400 });
    expect(pair.message).toContain('EventRW and User cannot be combined');
    const unknown = await lookupError(attrs(['Region', 'cn-hangzhou']));
    expect(unknown).toMatchObject({ code: 'InvalidParameter', statusCode: 400 });
    expect(unknown.message).toContain('LookupAttribute.1.Key');
  });

  it('never shows another account its events, even by EventId', async () => {
    const mine = await lookup({ MaxResults: 50 });
    expect(labels(mine)).toEqual(['e6', 'e5', 'e4', 'e3', 'e2', 'e1']);
    for (const e of mine.Events as Array<Record<string, unknown>>) {
      expect(e).toEqual(seeded[labels({ Events: [e] })[0] ?? '']);
    }
    expect(labels(await lookup(attrs(['EventId', 'only-b'])))).toEqual([]);
    expect(labels(await lookup(attrs(['EventId', 'only-b']), other))).toEqual(['only-b']);
  });
});

describe('LookupEvents time range, direction and size', () => {
  it('includes both ends of the range and echoes it', async () => {
    const body = await lookup({
      StartTime: formatIsoSeconds(at(2)),
      EndTime: formatIsoSeconds(at(4)),
    });
    expect(labels(body)).toEqual(['e4', 'e3', 'e2']);
    expect(body).toMatchObject({
      StartTime: formatIsoSeconds(at(2)),
      EndTime: formatIsoSeconds(at(4)),
    });
    expect(body.NextToken).toBeUndefined();
  });

  it('searches the last 7 days when no time is given', async () => {
    const before = Date.now();
    const old = sampleEvent(before - 8 * DAY_MS, { serviceName: 'Retro' });
    const recent = sampleEvent(before - 6 * DAY_MS, { serviceName: 'Retro' });
    await insertEvents(app.handle.db, app.key.accountId, [old, recent]);
    const body = await call(
      'pop-core POST',
      app,
      app.key,
      'LookupEvents',
      attrs(['ServiceName', 'Retro']),
    );
    expect((body.Events as SampleEvent[]).map((e) => e.eventId)).toEqual([recent.eventId]);
    const start = Date.parse(String(body.StartTime));
    const end = Date.parse(String(body.EndTime));
    expect(end - start).toBe(7 * DAY_MS);
    expect(end).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(end).toBeLessThanOrEqual(Date.now());
  });

  it('rejects a lone, malformed, inverted or over-long time range', async () => {
    expect(await lookupError({ StartTime: WINDOW.StartTime, EndTime: undefined })).toMatchObject({
      code: 'InvalidParameter',
      statusCode: 400,
    });
    expect(await lookupError({ StartTime: '2026-01-01 00:00:00' })).toMatchObject({
      code: 'InvalidParameter',
      statusCode: 400,
    });
    const inverted = { StartTime: WINDOW.EndTime, EndTime: WINDOW.StartTime };
    expect(await lookupError(inverted)).toMatchObject({
      code: 'InvalidTimeRangeException',
      statusCode: 400,
    });
    const long = { StartTime: formatIsoSeconds(T0 - 91 * DAY_MS), EndTime: formatIsoSeconds(T0) };
    expect(await lookupError(long)).toMatchObject({
      code: 'InvalidTimeRangeException',
      statusCode: 400,
    });
  });

  it('pages oldest first with FORWARD and newest first by default', async () => {
    expect(labels(await lookup({ Direction: 'FORWARD', MaxResults: 3 }))).toEqual([
      'e1',
      'e2',
      'e3',
    ]);
    expect(labels(await lookup({ MaxResults: 3 }))).toEqual(['e6', 'e5', 'e4']);
    expect(labels(await lookup({ Direction: 'BACKWARD', MaxResults: 3 }))).toEqual([
      'e6',
      'e5',
      'e4',
    ]);
    expect(await lookupError({ Direction: 'forward' })).toMatchObject({ code: 'InvalidParameter' });
  });

  it('accepts MaxResults 1-50', async () => {
    expect(labels(await lookup({ MaxResults: 1 }))).toEqual(['e6']);
    expect(await lookupError({ MaxResults: 0 })).toMatchObject({ code: 'InvalidParameter' });
    expect(await lookupError({ MaxResults: 51 })).toMatchObject({ code: 'InvalidParameter' });
    expect(await lookupError({ MaxResults: 'ten' })).toMatchObject({ code: 'InvalidParameter' });
  });
});
