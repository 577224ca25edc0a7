import type { Logger } from 'pino';
import { ApiError } from './api-error.js';

/** Fastify's own error codes that a client can cause, and what we answer instead. */
const FRAMEWORK_ERRORS: Record<string, () => ApiError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => new ApiError('RequestEntityTooLarge'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () =>
    new ApiError('InvalidParameter', 'The request body does not match its Content-Length.'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => new ApiError('InvalidParameter', 'The request body is empty.'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () =>
    new ApiError('InvalidParameter', 'The request Content-Type is not supported.'),
};

/**
 * The one boundary where foreign errors become wire errors. Anything we did not expect is an
 * InternalError: its cause is logged with the RequestId and never sent.
 */
export function toApiError(e: unknown, logger: Logger, requestId: string): ApiError {
  if (e instanceof ApiError) return e;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && FRAMEWORK_ERRORS[code]) return FRAMEWORK_ERRORS[code]();
  const status = (e as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new ApiError('InvalidParameter', 'The request is malformed.');
  }
  logger.error({ err: e, requestId }, 'unexpected error while handling a request');
  return new ApiError('InternalError');
}
