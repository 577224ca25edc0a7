import { describe, expect, it } from 'vitest';
import { ApiError } from '../../errors/api-error.js';
import {
  checkHasDestination,
  checkMaxComputeProjectArn,
  checkOssBucketName,
  checkOssKeyPrefix,
  checkRoleArn,
  checkSlsProjectArn,
  checkTrailName,
  checkTrailRegion,
} from './trail-rules.js';

const ACCOUNT = '1234567890123456';

/** The ApiError `fn` throws (fails the test when it throws nothing or something else). */
function thrown(fn: () => void): ApiError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return e as ApiError;
  }
  throw new Error('expected an ApiError');
}

describe('trail names', () => {
  it.each([
    'abcdef', // 6, the shortest
    'a'.repeat(36), // 36, the longest
    'trail-1_x',
    'a12345',
    'z-----',
  ])('accepts %j', (name) => {
    expect(() => checkTrailName(name)).not.toThrow();
  });

  it.each([
    ['abcde', '5 characters'],
    ['a'.repeat(37), '37 characters'],
    ['', 'empty'],
    ['Abcdef', 'an uppercase first letter'],
    ['abcDef', 'an uppercase letter inside'],
    ['1abcde', 'a leading digit'],
    ['-abcde', 'a leading hyphen'],
    ['_abcde', 'a leading underscore'],
    ['abc.def', 'a dot'],
    ['abc def', 'a space'],
    ['abcdé1', 'a non-ASCII letter'],
  ])('rejects %j (%s) with 400 InvalidTrailNameException', (name) => {
    const e = thrown(() => checkTrailName(name));
    expect(e.code).toBe('InvalidTrailNameException');
    expect(e.status).toBe(400);
    expect(e.message).toContain('6 to 36');
  });
});

describe('OSS bucket names', () => {
  it.each(['abc', '1bc', 'a'.repeat(63), 'my-audit-logs', '0-0'])('accepts %j', (b) => {
    expect(() => checkOssBucketName(b)).not.toThrow();
  });
  it.each(['ab', 'a'.repeat(64), '-abc', 'Abc', 'ab_c', 'ab.c'])(
    'rejects %j with 400 InvalidBucketNameException',
    (b) => {
      const e = thrown(() => checkOssBucketName(b));
      expect([e.code, e.status]).toEqual(['InvalidBucketNameException', 400]);
    },
  );
});

describe('OSS key prefixes', () => {
  it.each(['abcdef', 'A'.repeat(32), 'logs/at-1_x', 'Z12345'])('accepts %j', (p) => {
    expect(() => checkOssKeyPrefix(p)).not.toThrow();
  });
  it.each(['abcde', 'a'.repeat(33), '1abcdef', '/abcdef', 'abc.def', 'abc def'])(
    'rejects %j with 400 InvalidPrefixException',
    (p) => {
      const e = thrown(() => checkOssKeyPrefix(p));
      expect([e.code, e.status]).toEqual(['InvalidPrefixException', 400]);
    },
  );
});

describe('ARNs', () => {
  it('accepts well-formed ARNs of the caller’s account', () => {
    expect(() =>
      checkSlsProjectArn(`acs:log:cn-hangzhou:${ACCOUNT}:project/audit-logs`, ACCOUNT),
    ).not.toThrow();
    expect(() =>
      checkMaxComputeProjectArn(`acs:odps:cn-beijing:${ACCOUNT}:project/actiontrail_p1`, ACCOUNT),
    ).not.toThrow();
    expect(() =>
      checkRoleArn(
        'SlsWriteRoleArn',
        `acs:ram::${ACCOUNT}:role/aliyunserviceroleforactiontrail`,
        ACCOUNT,
      ),
    ).not.toThrow();
  });

  it.each([
    ['another service', `acs:oss:cn-hangzhou:${ACCOUNT}:project/audit`],
    ['no region', `acs:log::${ACCOUNT}:project/audit`],
    ['a logstore, not a project', `acs:log:cn-hangzhou:${ACCOUNT}:logstore/audit`],
    ['an uppercase project', `acs:log:cn-hangzhou:${ACCOUNT}:project/Audit`],
    ['too few parts', `acs:log:cn-hangzhou:project/audit`],
    ['not acs', `arn:log:cn-hangzhou:${ACCOUNT}:project/audit`],
  ])('rejects an SLS project ARN with %s (400 InvalidParameter naming it)', (_, arn) => {
    const e = thrown(() => checkSlsProjectArn(arn, ACCOUNT));
    expect([e.code, e.status]).toEqual(['InvalidParameter', 400]);
    expect(e.message).toContain('"SlsProjectArn"');
    expect(e.message).toContain('acs:log:<region>:<accountId>:project/<project>');
  });

  it('requires MaxCompute projects named actiontrail_…', () => {
    const e = thrown(() =>
      checkMaxComputeProjectArn(`acs:odps:cn-hangzhou:${ACCOUNT}:project/audit`, ACCOUNT),
    );
    expect(e.code).toBe('InvalidParameter');
    expect(e.message).toContain('"MaxComputeProjectArn"');
  });

  it('requires role ARNs without a region', () => {
    const e = thrown(() =>
      checkRoleArn('OssWriteRoleArn', `acs:ram:cn-hangzhou:${ACCOUNT}:role/r`, ACCOUNT),
    );
    expect(e.code).toBe('InvalidParameter');
    expect(e.message).toContain('"OssWriteRoleArn"');
  });

  it.each([
    ['SLS project', () => checkSlsProjectArn('acs:log:cn-hangzhou:999:project/audit', ACCOUNT)],
    ['role', () => checkRoleArn('SlsWriteRoleArn', 'acs:ram::999:role/r', ACCOUNT)],
    [
      'MaxCompute project',
      () => checkMaxComputeProjectArn('acs:odps:cn-hangzhou:999:project/actiontrail_x', ACCOUNT),
    ],
  ])('rejects a %s ARN of another account', (_, fn) => {
    const e = thrown(fn);
    expect([e.code, e.status]).toEqual(['InvalidParameter', 400]);
    expect(e.message).toContain("caller's account");
  });
});

describe('TrailRegion', () => {
  it('is All or a configured region', () => {
    expect(() => checkTrailRegion('All', ['cn-hangzhou'])).not.toThrow();
    expect(() => checkTrailRegion('cn-hangzhou', ['cn-hangzhou'])).not.toThrow();
    const e = thrown(() => checkTrailRegion('cn-shanghai', ['cn-hangzhou']));
    expect([e.code, e.status]).toEqual(['InvalidParameter', 400]);
    expect(e.message).toContain('"TrailRegion"');
    expect(thrown(() => checkTrailRegion('all', ['cn-hangzhou'])).code).toBe('InvalidParameter');
  });
});

describe('destinations', () => {
  const none = { ossBucketName: null, slsProjectArn: null, maxComputeProjectArn: null };
  it('needs one of the three, naming all three when there is none', () => {
    const e = thrown(() => checkHasDestination(none));
    expect([e.code, e.status]).toEqual(['InvalidParameter', 400]);
    for (const p of ['OssBucketName', 'SlsProjectArn', 'MaxComputeProjectArn']) {
      expect(e.message).toContain(p);
    }
    expect(() => checkHasDestination({ ...none, ossBucketName: 'b12' })).not.toThrow();
    expect(() => checkHasDestination({ ...none, slsProjectArn: 'x' })).not.toThrow();
    expect(() => checkHasDestination({ ...none, maxComputeProjectArn: 'x' })).not.toThrow();
  });
});
