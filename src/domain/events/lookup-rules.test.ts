import { describe, expect, it } from 'vitest';
import { ApiError } from '../../errors/api-error.js';
import { DAY_MS } from '../../lib/time.js';
import { effectiveConditions, readDirection, resolveTimeRange } from './lookup-rules.js';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return `${e.status} ${e.code}: ${e.message}`;
    throw e;
  }
  throw new Error('expected an ApiError');
}

describe('effectiveConditions', () => {
  it('applies one condition, or two that form an allowed pair (in either order)', () => {
    expect(effectiveConditions([])).toEqual([]);
    expect(effectiveConditions([{ key: 'EventRW', value: 'Write' }])).toEqual([
      { key: 'EventRW', value: 'Write' },
    ]);
    expect(
      effectiveConditions([
        { key: 'EventName', value: 'RunInstances' },
        { key: 'ServiceName', value: 'Ecs' },
      ]),
    ).toEqual([
      { key: 'EventName', value: 'RunInstances' },
      { key: 'ServiceName', value: 'Ecs' },
    ]);
  });

  it('ignores everything after the first two, even a malformed third', () => {
    expect(
      effectiveConditions([
        { key: 'ServiceName', value: 'Ecs' },
        { key: 'EventRW', value: 'Write' },
        { key: 'NoSuchKey', value: 'x' },
        { key: 'User', value: 'alice' },
      ]),
    ).toEqual([
      { key: 'ServiceName', value: 'Ecs' },
      { key: 'EventRW', value: 'Write' },
    ]);
  });

  it('keeps only the second when both name the same key', () => {
    expect(
      effectiveConditions([
        { key: 'User', value: 'alice' },
        { key: 'User', value: 'bob' },
      ]),
    ).toEqual([{ key: 'User', value: 'bob' }]);
  });

  it('rejects a disallowed pair, an unknown key and a missing key or value', () => {
    expect(
      codeOf(() =>
        effectiveConditions([
          { key: 'EventRW', value: 'Write' },
          { key: 'User', value: 'alice' },
        ]),
      ),
    ).toMatch(/^400 InvalidParameter: .*EventRW and User cannot be combined/);
    expect(codeOf(() => effectiveConditions([{ key: 'eventname', value: 'x' }]))).toMatch(
      /^400 InvalidParameter: .*LookupAttribute\.1\.Key/,
    );
    expect(codeOf(() => effectiveConditions([{ value: 'x' }]))).toMatch(
      /^400 MissingParameter: .*LookupAttribute\.1\.Key/,
    );
    expect(
      codeOf(() => effectiveConditions([{ key: 'ServiceName', value: 'Ecs' }, { key: 'User' }])),
    ).toMatch(/^400 MissingParameter: .*LookupAttribute\.2\.Value/);
    expect(codeOf(() => effectiveConditions([{ key: 'SensitiveAction', value: 'yes' }]))).toMatch(
      /^400 InvalidParameter: .*SensitiveAction is true or false/,
    );
  });
});

describe('resolveTimeRange', () => {
  const now = Date.UTC(2026, 0, 10, 12, 0, 0, 750);

  it('defaults to the last 7 days, in whole seconds', () => {
    const end = Date.UTC(2026, 0, 10, 12, 0, 0);
    expect(resolveTimeRange(undefined, undefined, now)).toEqual({ start: end - 7 * DAY_MS, end });
  });

  it('takes both times as given and accepts exactly 90 days', () => {
    expect(resolveTimeRange('2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', now)).toEqual({
      start: Date.UTC(2026, 0, 1),
      end: Date.UTC(2026, 0, 1),
    });
    expect(resolveTimeRange('2025-10-03T00:00:00Z', '2026-01-01T00:00:00Z', now).start).toBe(
      Date.UTC(2025, 9, 3),
    );
  });

  it('rejects one time without the other and malformed times', () => {
    expect(codeOf(() => resolveTimeRange('2026-01-01T00:00:00Z', undefined, now))).toMatch(
      /^400 InvalidParameter: .*"EndTime".*together/,
    );
    expect(codeOf(() => resolveTimeRange(undefined, '2026-01-01T00:00:00Z', now))).toMatch(
      /^400 InvalidParameter: .*"StartTime"/,
    );
    expect(codeOf(() => resolveTimeRange('2026-01-01', '2026-01-02T00:00:00Z', now))).toMatch(
      /^400 InvalidParameter: .*"StartTime"/,
    );
    expect(
      codeOf(() => resolveTimeRange('2026-01-01T00:00:00Z', '2026-02-30T00:00:00Z', now)),
    ).toMatch(/^400 InvalidParameter: .*"EndTime"/);
  });

  it('rejects an end before the start and a span over 90 days', () => {
    expect(
      codeOf(() => resolveTimeRange('2026-01-02T00:00:00Z', '2026-01-01T23:59:59Z', now)),
    ).toMatch(/^400 InvalidTimeRangeException: EndTime 2026-01-01T23:59:59Z is before/);
    expect(
      codeOf(() => resolveTimeRange('2025-10-02T23:59:59Z', '2026-01-01T00:00:00Z', now)),
    ).toMatch(/^400 InvalidTimeRangeException: .*90 days/);
  });
});

describe('readDirection', () => {
  it('defaults to BACKWARD and accepts only FORWARD or BACKWARD', () => {
    expect(readDirection(undefined)).toBe('BACKWARD');
    expect(readDirection('FORWARD')).toBe('FORWARD');
    expect(codeOf(() => readDirection('forward'))).toMatch(/^400 InvalidParameter: .*Direction/);
  });
});
