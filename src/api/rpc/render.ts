import type { FastifyReply } from 'fastify';
import type { ApiError } from '../../errors/api-error.js';
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
  return reply
    .code(error.status)
    .header('content-type', JSON_TYPE)
    .header('x-acs-request-id', requestId)
    .send(JSON.stringify(body));
}
