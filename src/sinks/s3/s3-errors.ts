import { NETWORK_ERROR_CODES } from '../network-errors.js';
import { SinkError } from '../sink.js';

/**
 * Every way an S3/OSS call can fail, as a SinkError whose `code` is the service's own error code
 * (`NoSuchBucket`, `InvalidAccessKeyId`, `AccessDenied`, …), so GetTrailStatus and job failures
 * show what OSS said. What might pass later is retryable — 5xx, throttling, timeouts, dropped
 * connections, a body that arrived damaged — and every other 4xx fails at once (decisions §6).
 */

const RETRYABLE_CODES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'RequestTimeout',
  'RequestTimeTooSkewed',
  'InternalError',
  'ServiceUnavailable',
  // Content-MD5 did not match what arrived, or the ETag did not match what we sent: the bytes
  // were damaged on the way, and the same batch sent again is expected to pass.
  'BadDigest',
  'ETagMismatch',
  'TimeoutError',
  ...NETWORK_ERROR_CODES,
]);

interface SdkError {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $retryable?: unknown;
}

/** An error from `S3Client.send` (service answer or network failure) → SinkError. */
export function s3Error(e: unknown, what: string): SinkError {
  const err = (e ?? {}) as SdkError;
  const status = err.$metadata?.httpStatusCode;
  const named =
    typeof err.code === 'string'
      ? err.code
      : typeof err.name === 'string' && err.name !== 'Error'
        ? err.name
        : undefined;
  // An answer without a body (HEAD, some proxies) leaves the SDK with `Unknown`: the status
  // says more.
  const code =
    named && !/^Unknown(Error)?$/.test(named)
      ? named
      : status
        ? `HTTP${status}`
        : (named ?? 'NetworkError');
  const message = typeof err.message === 'string' && err.message ? err.message : String(e);
  // No HTTP status means no answer at all (connection reset, "socket hang up", DNS): assumed
  // transient, as the engine's failure budget still stops a batch that never gets through.
  const retryable =
    status === undefined ||
    status >= 500 ||
    status === 429 ||
    RETRYABLE_CODES.has(code) ||
    err.$retryable !== undefined;
  return new SinkError(`${what}: ${code}: ${message}`, {
    code,
    retryable,
    cause: { status, requestId: err.$metadata?.requestId },
  });
}

export function abortedError(signal: AbortSignal): SinkError {
  return new SinkError('delivery aborted', {
    code: 'Aborted',
    retryable: true,
    cause: signal.reason,
  });
}
