import { describe, expect, it } from 'vitest';
import { ApiError } from '../../errors/api-error.js';
import { readInteger, readList, readRequiredString } from './params.js';

describe('readInteger', () => {
  const rule = { min: 1, max: 100, default: 20 };
  it('defaults when absent or empty', () => {
    expect(readInteger({}, 'PageSize', rule)).toBe(20);
    expect(readInteger({ PageSize: '' }, 'PageSize', rule)).toBe(20);
  });
  it('accepts the bounds', () => {
    expect(readInteger({ PageSize: '1' }, 'PageSize', rule)).toBe(1);
    expect(readInteger({ PageSize: '100' }, 'PageSize', rule)).toBe(100);
  });
  it.each(['0', '101', '-1', '1.5', 'abc', '1e2', '99999999999999999999', ' '])(
    'rejects %j with InvalidParameter naming the parameter',
    (value) => {
      try {
        readInteger({ PageSize: value }, 'PageSize', rule);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(ApiError);
        expect((e as ApiError).code).toBe('InvalidParameter');
        expect((e as ApiError).status).toBe(400);
        expect((e as ApiError).message).toContain('"PageSize"');
        expect((e as ApiError).message).toContain('1-100');
      }
    },
  );
});

describe('readList', () => {
  it('unflattens X.N.Key in index order', () => {
    const params = {
      'LookupAttribute.2.Key': 'EventName',
      'LookupAttribute.1.Key': 'ServiceName',
      'LookupAttribute.1.Value': 'Ecs',
      'LookupAttribute.2.Value': 'CreateInstance',
      'LookupAttribute.10.Key': 'User',
      Other: 'x',
    };
    expect(readList(params, 'LookupAttribute')).toEqual([
      { Key: 'ServiceName', Value: 'Ecs' },
      { Key: 'EventName', Value: 'CreateInstance' },
      { Key: 'User' },
    ]);
  });
  it('reads scalar lists and ignores bad indexes', () => {
    expect(
      readList({ 'Name.2': 'b', 'Name.1': 'a', 'Name.0': 'z', 'Name.x': 'y' }, 'Name'),
    ).toEqual(['a', 'b']);
  });
});

describe('readRequiredString', () => {
  it('is MissingParameter when absent', () => {
    expect(() => readRequiredString({}, 'TrailName')).toThrow(/"TrailName"/);
  });
});
