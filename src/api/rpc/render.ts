import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { ApiError } from '../../errors/api-error.js';
import { toApiError } from '../../errors/to-api-error.js';
import type { ActionResult } from '../actions/action.js';

const JSON_TYPE = 'application/json;charset=utf-8';

/** Success: HTTP 200, JSON, `RequestId` first, never a `Code` field (pop-core would throw). */
export function sendSuccess(
  reply: FastifyReply,
  requestId: string,
  body: ActionResult,
): FastifyReply {
  return reply
    .code(200)
    .header('content-type', JSON_TYPE)
    .header('x-acs-request-id', requestId)
    .send(JSON.stringify({ RequestId: requestId, ...body }));
}

/**
 * Error: non-2xx status AND a `Code` (pop-core reads the Code, the openapi cores the status),
 * in Alibaba's shape `{RequestId, HostId, Code, Message, Recommend}`.
 */
export function sendError(
  reply: FastifyReply,
  requestId: string,
  hostId: string,
  error: ApiError,
): FastifyReply {
  const body = {
    RequestId: requestId,
    HostId: hostId,
    Code: error.code,
    Message: error.message,
    Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(error.code)}&product=Actiontrail&requestId=${requestId}`,
  };
  if (error.retryAfterMs !== undefined) {
    reply.header('x-acs-retry-after', String(Math.ceil(error.retryAfterMs)));
  }
  return reply
    .code(error.status)
    .header('content-type', JSON_TYPE)
    .header('x-acs-request-id', requestId)
    .send(JSON.stringify(body));
}

/**
 * The error path every authenticated endpoint shares: translate the error, record it in the
 * self-audit trail (a failed record turns the answer into InternalError: nothing unaudited
 * leaves; a record refused with an ApiError, a Read request's nonce found used, answers that
 * error instead), log, answer.
 */
export async function answerWithError(
  reply: FastifyReply,
  thrown: unknown,
  context: {
    requestId: string;
    host: string;
    logger: Logger;
    audit(error: ApiError): Promise<void>;
    log(status: number, code: string): void;
  },
): Promise<FastifyReply> {
  let error = toApiError(thrown, context.logger, context.requestId);
  try {
    await context.audit(error);
  } catch (auditFailure) {
    if (auditFailure instanceof ApiError) {
      error = auditFailure;
    } else {
      context.logger.error(
        { err: auditFailure, requestId: context.requestId },
        'self-audit record could not be written',
      );
      error = new ApiError('InternalError');
    }
  }
  context.log(error.status, error.code);
  return sendError(reply, context.requestId, context.host, error);
}
