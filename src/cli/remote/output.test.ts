import { describe, expect, it } from 'vitest';
import { ConnectionError, normalizeEndpoint, RemoteApiError } from './api-client.js';
import { EXIT, exitCodeFor, formatRecord, formatTable, hintFor } from './output.js';
import { UsageError } from './profile.js';

describe('remote command output', () => {
  it('aligns a table, upper-cases the header and shows empty cells as -', () => {
    expect(
      formatTable(
        ['Name', 'Status', 'Note'],
        [
          ['a-long-name', 'Enable', ''],
          ['b', null, 'x'],
        ],
      ),
    ).toBe('NAME         STATUS  NOTE\na-long-name  Enable  -\nb            -       x');
  });

  it('prints a record as aligned Key: value lines without the RequestId', () => {
    expect(formatRecord({ RequestId: 'r', IsLogging: true, Name: 'n', List: [1] })).toBe(
      'IsLogging: true\nName:      n\nList:      [1]',
    );
  });
});

describe('exit codes scripts can trust', () => {
  it.each([
    [new UsageError('x'), EXIT.usage],
    [new ConnectionError('http://h', 'x'), EXIT.unavailable],
    [new RemoteApiError(404, 'TrailNotFoundException', 'x'), EXIT.notFound],
    [new RemoteApiError(400, 'InvalidParameter', 'x'), EXIT.rejected],
    [new RemoteApiError(404, 'InvalidAccessKeyId.NotFound', 'x'), EXIT.auth],
    [new RemoteApiError(400, 'SignatureDoesNotMatch', 'x'), EXIT.auth],
    [new RemoteApiError(503, 'ServiceUnavailable', 'x'), EXIT.unavailable],
    [new Error('boom'), EXIT.failed],
  ])('%s → %i', (error, code) => {
    expect(exitCodeFor(error)).toBe(code);
  });

  it('gives a hint for the codes a CLI user meets', () => {
    expect(hintFor(new RemoteApiError(400, 'InvalidTrailDestination', 'x'))).toContain(
      '--sls-project-arn',
    );
    expect(hintFor(new RemoteApiError(400, 'SomethingElse', 'x'))).toBeUndefined();
  });
});

describe('normalizeEndpoint', () => {
  it('keeps a URL, adds http:// for a loopback host and https:// for others, drops paths', () => {
    expect(normalizeEndpoint('http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080');
    expect(normalizeEndpoint('127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(normalizeEndpoint('localhost:9000')).toBe('http://localhost:9000');
    expect(normalizeEndpoint('actiontrail.cn-hangzhou.aliyuncs.com')).toBe(
      'https://actiontrail.cn-hangzhou.aliyuncs.com',
    );
    expect(() => normalizeEndpoint('http://')).toThrow(/not an endpoint/);
  });
});
