import { describe, expect, it } from 'vitest';
import { networkError, responseError } from './sls-errors.js';

const NOW = Date.UTC(2026, 10, 29, 12, 0, 0);
const answer = (status: number, errorCode: string, errorMessage = 'msg', retryAfter?: string) =>
  responseError(
    { status, body: JSON.stringify({ errorCode, errorMessage }), retryAfter, requestId: 'R1' },
    NOW,
  );

describe('SLS answers as SinkErrors', () => {
  it.each([
    [401, 'SignatureNotMatch'],
    [401, 'Unauthorized'],
    [404, 'ProjectNotExist'],
    [400, 'RequestTimeExpired'],
    [400, 'PostBodyTooLarge'],
    [403, 'Unauthorized'],
  ])('%i %s fails fast with SLS code and message', (status, code) => {
    const e = answer(status, code, `the ${code} message`);
    expect(e.details).toMatchObject({ code, retryable: false });
    expect(e.message).toBe(`the ${code} message`);
    expect(e.details.retryAfterMs).toBeUndefined();
  });

  it('InvalidTimestamp fails fast and hints at logTime delivery', () => {
    const e = answer(400, 'InvalidTimestamp', 'log time is out of range');
    expect(e.details).toMatchObject({ code: 'InvalidTimestamp', retryable: false });
    expect(e.message).toBe(
      'log time is out of range (hint: set delivery.sls.logTime / OPENTRAIL_SLS_LOG_TIME to "delivery")',
    );
  });

  it.each([
    [500, 'InternalServerError'],
    [503, 'ServerBusy'],
    [403, 'WriteQuotaExceed'],
    [403, 'ShardWriteQuotaExceed'],
    [429, 'TooManyRequests'],
  ])('%i %s is retried', (status, code) => {
    expect(answer(status, code).details).toMatchObject({ code, retryable: true });
  });

  it('a 403 whose message says the quota is exceeded is retried', () => {
    expect(answer(403, 'ExceedQuota', 'Inflow Quota Exceed').details.retryable).toBe(true);
  });

  it('honours Retry-After in seconds and as a date', () => {
    expect(answer(403, 'WriteQuotaExceed', 'm', '3').details.retryAfterMs).toBe(3000);
    const at = new Date(NOW + 7000).toUTCString();
    expect(answer(500, 'InternalServerError', 'm', at).details.retryAfterMs).toBe(7000);
  });

  it('a body that is not SLS JSON still gives a code from the status', () => {
    const e = responseError({ status: 502, body: '<html>bad gateway</html>' }, NOW);
    expect(e.details).toMatchObject({ code: 'InternalServerError', retryable: true });
    expect(responseError({ status: 400, body: '' }, NOW).details).toMatchObject({
      code: 'HTTP400',
      retryable: false,
    });
  });

  it('connection failures are retried, certificate failures are not', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(networkError(reset).details).toMatchObject({ code: 'ECONNRESET', retryable: true });
    const cert = Object.assign(new Error('self-signed'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(networkError(cert).details.retryable).toBe(false);
  });
});
