import { NETWORK_ERROR_CODES } from '../network-errors.js';
import { SinkError } from '../sink.js';

/**
 * Every way an SLS call can fail, as a SinkError whose `code` is SLS's own `errorCode`
 * (delivery-sinks §3.5, decisions §6): what might pass later is retryable — 5xx, 429, quota
 * answers, timeouts, dropped connections — and everything else (bad key or signature, missing
 * project, invalid body, skewed clock) fails the region at once with SLS's code and message.
 */

/** SLS's 403 answers that mean "slow down", not "forbidden". */
const QUOTA_CODES = new Set([
  'WriteQuotaExceed',
  'ShardWriteQuotaExceed',
  'ProjectQuotaExceed',
  'ReadQuotaExceed',
  'ShardReadQuotaExceed',
  'QpsLimitExceeded',
]);

/** Network failures that a later attempt may not meet (the connection, not the request, failed). */
const RETRYABLE_NETWORK_CODES = new Set([
  ...NETWORK_ERROR_CODES,
  'UND_ERR_SOCKET',
  'RequestTimeout',
]);

export function isQuotaCode(code: string): boolean {
  return QUOTA_CODES.has(code) || /quota ?exceed|qps ?exceed/i.test(code);
}

/** `Retry-After` as seconds or an HTTP date, in ms from `now`; undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

interface SlsErrorBody {
  errorCode?: unknown;
  errorMessage?: unknown;
}

function readErrorBody(text: string): { code?: string; message?: string } {
  try {
    const parsed = JSON.parse(text) as SlsErrorBody;
    return {
      ...(typeof parsed.errorCode === 'string' ? { code: parsed.errorCode } : {}),
      ...(typeof parsed.errorMessage === 'string' ? { message: parsed.errorMessage } : {}),
    };
  } catch {
    return {};
  }
}

export interface SlsResponseInfo {
  status: number;
  body: string;
  retryAfter?: string | undefined;
  requestId?: string | undefined;
}

/** A non-2xx answer → SinkError with SLS's code and message. */
export function responseError(res: SlsResponseInfo, now: number): SinkError {
  const parsed = readErrorBody(res.body);
  const code = parsed.code ?? (res.status >= 500 ? 'InternalServerError' : `HTTP${res.status}`);
  const slsMessage =
    parsed.message ?? (res.body.trim().slice(0, 200) || `SLS answered HTTP ${res.status}`);
  // decisions §6: the job's error should say how to get old events past SLS's time window.
  const message =
    code === 'InvalidTimestamp'
      ? `${slsMessage} (hint: set delivery.sls.logTime / OPENTRAIL_SLS_LOG_TIME to "delivery")`
      : slsMessage;
  const retryable =
    res.status >= 500 ||
    res.status === 429 ||
    isQuotaCode(code) ||
    (res.status === 403 && isQuotaCode(message));
  const after = retryable ? retryAfterMs(res.retryAfter, now) : undefined;
  return new SinkError(message, {
    code,
    retryable,
    ...(after !== undefined ? { retryAfterMs: after } : {}),
    ...(res.requestId ? { cause: { status: res.status, requestId: res.requestId } } : {}),
  });
}

/** A request that got no answer (connection, TLS or timeout failure) → SinkError. */
export function networkError(e: unknown): SinkError {
  const err = e as { code?: unknown; message?: unknown; name?: unknown };
  const code = typeof err.code === 'string' ? err.code : 'NetworkError';
  const message = typeof err.message === 'string' ? err.message : String(e);
  // An unknown network failure (no errno code, "socket hang up") is assumed transient: the
  // engine's failure budget still stops a batch that never gets through.
  const retryable = RETRYABLE_NETWORK_CODES.has(code) || typeof err.code !== 'string';
  return new SinkError(`SLS request failed: ${message}`, { code, retryable, cause: e });
}

export function abortedError(): SinkError {
  return new SinkError('delivery aborted', { code: 'Aborted', retryable: true });
}
