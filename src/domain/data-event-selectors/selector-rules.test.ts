import { describe, expect, it } from 'vitest';
import { ApiError } from '../../errors/api-error.js';
import { parseEventSelectors, parseTrailRegionIds } from './selector-rules.js';

function failure(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected an ApiError');
}

describe('parseEventSelectors', () => {
  it('reads the SDK example, ReadWriteType defaulting to All', () => {
    expect(
      parseEventSelectors(
        '[{"EventName":{"Equals":["GetObject","CopyObject"]},"ServiceName":"Oss"}]',
      ),
    ).toEqual([
      {
        serviceName: 'Oss',
        readWriteType: 'All',
        eventName: { equals: ['GetObject', 'CopyObject'] },
      },
    ]);
  });

  it.each([
    ['not json', 'JSON array'],
    ['{"ServiceName":"Oss"}', 'JSON array'],
    ['[]', 'at least one'],
    ['[1]', 'element 1'],
    ['[{"ReadWriteType":"All"}]', 'ServiceName'],
    ['[{"ServiceName":"Oss","ReadWriteType":"write"}]', 'ReadWriteType'],
    ['[{"ServiceName":"Oss","EventNames":{}}]', '"EventNames"'],
    ['[{"ServiceName":"Oss","EventName":{"Equals":"GetObject"}}]', 'EventName.Equals'],
    ['[{"ServiceName":"Oss","ResourceArn":{}}]', 'ResourceArn must have'],
  ])('rejects %s with 400 InvalidParameter naming the problem', (raw, words) => {
    const e = failure(() => parseEventSelectors(raw));
    expect(e.code).toBe('InvalidParameter');
    expect(e.status).toBe(400);
    expect(e.message).toContain('EventSelectors');
    expect(e.message).toContain(words);
  });

  it('allows 20 selectors and refuses 21', () => {
    const one = { ServiceName: 'Oss' };
    expect(parseEventSelectors(JSON.stringify(Array(20).fill(one)))).toHaveLength(20);
    expect(
      failure(() => parseEventSelectors(JSON.stringify(Array(21).fill(one)))).message,
    ).toContain('at most 20');
  });
});

describe('parseTrailRegionIds', () => {
  const regions = ['cn-hangzhou', 'cn-shanghai'];
  it('keeps the order sent, drops blanks and repeats', () => {
    expect(parseTrailRegionIds(' cn-shanghai,,cn-hangzhou,cn-shanghai', regions)).toEqual([
      'cn-shanghai',
      'cn-hangzhou',
    ]);
  });
  it('refuses a region that is not configured', () => {
    const e = failure(() => parseTrailRegionIds('cn-hangzhou,mars-1', regions));
    expect(e.code).toBe('InvalidParameter');
    expect(e.message).toContain('mars-1');
  });
});
