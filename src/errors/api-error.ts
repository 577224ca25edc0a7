import { ERROR_CATALOG, type ErrorCode, formatMessage } from './catalog.js';

/**
 * The one error type that reaches a client. Its status always comes from the catalog; the
 * message defaults to the catalog's wording. Anything else thrown becomes InternalError at the
 * gateway, with the cause logged and never sent.
 */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Sent as `x-acs-retry-after` (ms): the SDKs' ThrottlingError reads it (throttling only). */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: ErrorCode,
    message?: string,
    options?: { cause?: unknown; retryAfterMs?: number },
  ) {
    super(
      message ?? ERROR_CATALOG[code].message,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'ApiError';
    this.code = code;
    this.status = ERROR_CATALOG[code].status;
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/** Factories for the codes whose message takes arguments, so call sites stay one line. */
export const errors = {
  missingParameter: (name: string) =>
    new ApiError('MissingParameter', formatMessage(ERROR_CATALOG.MissingParameter.message, [name])),
  invalidParameter: (name: string, rule?: string) =>
    new ApiError(
      'InvalidParameter',
      formatMessage(ERROR_CATALOG.InvalidParameter.message, [name]) + (rule ? ` ${rule}` : ''),
    ),
  unsupportedOperation: (action: string) =>
    new ApiError(
      'UnsupportedOperation',
      formatMessage(ERROR_CATALOG.UnsupportedOperation.message, [action]),
    ),
  of: (code: ErrorCode, message?: string) => new ApiError(code, message),
  /** The catalog's wording followed by what exactly was wrong, e.g. the rule a name broke. */
  detailed: (code: ErrorCode, detail: string) =>
    new ApiError(code, `${ERROR_CATALOG[code].message} ${detail}`),
};

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}
