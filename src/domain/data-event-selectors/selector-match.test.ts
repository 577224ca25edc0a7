import { describe, expect, it } from 'vitest';
import { dataEventFacts, inDataEventScope, selectorMatches } from './selector-match.js';
import { parseEventSelectors } from './selector-rules.js';

const set = (raw: string, regions: string[] = [], all = false) => ({
  selectors: parseEventSelectors(raw),
  isTrailAllRegion: all,
  trailRegionIds: regions,
});

const getObject = {
  eventCategory: 'Data',
  serviceName: 'Oss',
  eventName: 'GetObject',
  eventRW: 'Read',
  acsRegion: 'cn-hangzhou',
  resourceArns: ['acs:oss:cn-hangzhou:1:bucket-a/photo.png'],
};

describe('inDataEventScope', () => {
  it('never narrows management events, with or without selectors', () => {
    const mgmt = { ...getObject, eventCategory: 'Management' };
    expect(inDataEventScope(undefined, mgmt)).toBe(true);
    expect(
      inDataEventScope(set('[{"ServiceName":"Ecs"}]'), { ...mgmt, eventCategory: undefined }),
    ).toBe(true);
  });

  it('leaves Data events out of a trail without selectors', () => {
    expect(inDataEventScope(undefined, getObject)).toBe(false);
  });

  it('takes a Data event a selector matches, in a covered region', () => {
    const s = set('[{"ServiceName":"Oss","EventName":{"Equals":["GetObject"]}}]', ['cn-hangzhou']);
    expect(inDataEventScope(s, getObject)).toBe(true);
    expect(inDataEventScope(s, { ...getObject, acsRegion: 'cn-beijing' })).toBe(false);
    expect(
      inDataEventScope({ ...s, isTrailAllRegion: true }, { ...getObject, acsRegion: 'cn-beijing' }),
    ).toBe(true);
    expect(inDataEventScope(s, { ...getObject, eventName: 'PutObject' })).toBe(false);
  });
});

describe('selectorMatches', () => {
  const [oss] = parseEventSelectors(
    '[{"ServiceName":"oss","ReadWriteType":"Write","ResourceArn":{"NotEquals":["acs:oss:cn-hangzhou:1:bucket-a/*"]}}]',
  );
  it('compares the service case-insensitively and checks ReadWriteType', () => {
    const put = {
      ...getObject,
      eventName: 'PutObject',
      eventRW: 'Write',
      resourceArns: ['acs:oss:cn-hangzhou:1:other/x'],
    };
    expect(oss && selectorMatches(oss, put)).toBe(true);
    expect(oss && selectorMatches(oss, { ...put, eventRW: 'Read' })).toBe(false);
  });
  it('treats a trailing * in a resource ARN as a prefix', () => {
    const put = { ...getObject, eventRW: 'Write' };
    expect(oss && selectorMatches(oss, put)).toBe(false);
  });
});

describe('dataEventFacts', () => {
  it('reads what the rule needs from a stored event, resource names included', () => {
    const json = JSON.stringify({
      eventCategory: 'Data',
      serviceName: 'Oss',
      eventName: 'GetObject',
      eventRW: 'Read',
      acsRegion: 'cn-hangzhou',
      resourceName: 'bucket-a/photo.png;bucket-a',
      referencedResources: { 'ACS::OSS::Object': ['bucket-a/other.png'] },
    });
    expect(dataEventFacts(json)).toEqual({
      eventCategory: 'Data',
      serviceName: 'Oss',
      eventName: 'GetObject',
      eventRW: 'Read',
      acsRegion: 'cn-hangzhou',
      resourceArns: ['bucket-a/photo.png', 'bucket-a', 'bucket-a/other.png'],
    });
    const s = set('[{"ServiceName":"Oss","ResourceArn":{"Equals":["bucket-a/*"]}}]');
    expect(inDataEventScope(s, dataEventFacts(json))).toBe(true);
  });

  it('treats unreadable JSON as a non-Data event (never dropped by this rule)', () => {
    expect(inDataEventScope(undefined, dataEventFacts('{'))).toBe(true);
  });
});
