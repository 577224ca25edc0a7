import { describe, expect, it } from 'vitest';
import { BASE_TIME, sampleEvent } from '../../../test/helpers/sample-events.js';
import { InvalidEventError, indexEvent, parseEventTime, resourcePairs } from './event-columns.js';

describe('indexEvent', () => {
  it('copies every LookupEvents key out of the event', () => {
    const event = sampleEvent(BASE_TIME, {
      eventAttributes: { SensitiveAction: 'true' },
      eventType: 'ConsoleOperation',
    });
    const { columns } = indexEvent(event);
    expect(columns).toMatchObject({
      event_id: event.eventId,
      event_time: BASE_TIME,
      acs_region: 'cn-hangzhou',
      event_rw: 'Read',
      service_name: 'Ecs',
      event_name: 'DescribeInstances',
      event_type: 'ConsoleOperation',
      user_name: 'alice',
      principal_id: '200000000000000001',
      role_name: null,
      access_key_id: 'LTAIsample0000000001',
      source_ip: '192.0.2.10',
      sensitive_action: 1,
    });
    expect(JSON.parse(columns.event_json)).toEqual(event);
  });

  it('takes the role of an assumed-role caller from userName (role:session)', () => {
    const event = sampleEvent(BASE_TIME, {}, { type: 'assumed-role', userName: 'auditor:u1' });
    expect(indexEvent(event).columns.role_name).toBe('auditor');
    const issuer = sampleEvent(
      BASE_TIME,
      {},
      { type: 'assumed-role', sessionContext: { sessionIssuer: { userName: 'deployer' } } },
    );
    expect(indexEvent(issuer).columns.role_name).toBe('deployer');
  });

  it('refuses an event without eventId or with an unreadable eventTime', () => {
    expect(() => indexEvent(sampleEvent(BASE_TIME, { eventId: '' }))).toThrow(InvalidEventError);
    expect(() => indexEvent(sampleEvent(BASE_TIME, { eventTime: '2026-01-10 12:00:00' }))).toThrow(
      /eventTime/,
    );
  });

  it('reads eventTime with or without a fraction, always in UTC', () => {
    expect(parseEventTime('2026-01-10T12:00:00Z')).toBe(BASE_TIME);
    expect(parseEventTime('2026-01-10T12:00:00.250Z')).toBe(BASE_TIME + 250);
    expect(parseEventTime('2026-01-10T12:00:00+08:00')).toBeUndefined();
    expect(parseEventTime(1736510400000)).toBeUndefined();
  });
});

describe('resourcePairs', () => {
  it('pairs `;`-separated types with their `,`-separated names by position', () => {
    const pairs = resourcePairs({
      resourceType: 'ACS::ECS::Instance;ACS::VPC::VSwitch',
      resourceName: 'i-1,i-2;vsw-1',
    });
    expect(pairs).toEqual([
      { type: 'ACS::ECS::Instance', name: 'i-1' },
      { type: 'ACS::ECS::Instance', name: 'i-2' },
      { type: 'ACS::VPC::VSwitch', name: 'vsw-1' },
    ]);
  });

  it('gives every name the only type, and keeps unpaired names and types findable', () => {
    expect(resourcePairs({ resourceType: 'ACS::OSS::Bucket', resourceName: 'a;b' })).toEqual([
      { type: 'ACS::OSS::Bucket', name: 'a' },
      { type: 'ACS::OSS::Bucket', name: 'b' },
    ]);
    expect(resourcePairs({ resourceType: 'T1;T2;T3', resourceName: 'x;y' })).toEqual([
      { type: '', name: 'x' },
      { type: '', name: 'y' },
      { type: 'T1', name: '' },
      { type: 'T2', name: '' },
      { type: 'T3', name: '' },
    ]);
    expect(resourcePairs({ resourceType: 'T1;T2', resourceName: 'x;' })).toEqual([
      { type: 'T1', name: 'x' },
      { type: 'T2', name: '' },
    ]);
  });

  it('adds referencedResources and drops repeats', () => {
    const pairs = resourcePairs({
      resourceType: 'ACS::ECS::Instance',
      resourceName: 'i-1',
      referencedResources: { 'ACS::ECS::Instance': ['i-1', 'i-2'], 'ACS::ECS::Disk': ['d-1'] },
    });
    expect(pairs).toEqual([
      { type: 'ACS::ECS::Instance', name: 'i-1' },
      { type: 'ACS::ECS::Instance', name: 'i-2' },
      { type: 'ACS::ECS::Disk', name: 'd-1' },
    ]);
  });
});
