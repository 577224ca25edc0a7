import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ActionResult, AppServices, Caller, RequestInfo } from '../api/actions/action.js';
import { ACTIONS } from '../api/actions/index.js';
import { ACTIONTRAIL_ACTIONS, API_VERSION } from '../api/actions/known-actions.js';
import type { RpcParams } from '../api/rpc/params.js';
import { answerWithError, sendSuccess } from '../api/rpc/render.js';
import { firstHeader, requestRegion } from '../api/rpc/request-context.js';
import type { EventWriter } from '../domain/events/event-writer.js';
import { eventRWOf, selfAuditEvent } from '../domain/events/self-audit.js';
import { ApiError, errors } from '../errors/api-error.js';
import { newRequestId } from '../lib/ids.js';

/** What a console call answers: the Action's JSON, or a file (the NDJSON export). */
export type ConsoleAnswer =
  | { kind: 'json'; body: ActionResult }
  | { kind: 'file'; contentType: string; fileName: string; body: string; truncated: boolean };

export interface ConsoleCall {
  request: FastifyRequest;
  reply: FastifyReply;
  services: AppServices;
  writer: EventWriter;
  caller: Caller;
  /** The name recorded as eventName: the Action the call ran. */
  action: string;
  params: RpcParams;
  /** For records that are no Action (ConsoleSignin / ConsoleSignout). */
  eventRW?: 'Read' | 'Write';
}

/**
 * Runs one console call the way the signed gateway runs an Action (decisions §2–3): the same
 * request info, the self-audit event of the session's key written before the answer leaves
 * (success or error; a failed write turns the answer into InternalError), the same error shape.
 */
export async function answerAudited(
  call: ConsoleCall,
  work: (info: RequestInfo) => Promise<ConsoleAnswer>,
): Promise<FastifyReply> {
  const { request, reply, services, caller, action } = call;
  const requestId = newRequestId();
  const host = firstHeader(request.headers.host);
  const now = services.clock.now();
  const started = performance.now();
  const info: RequestInfo = {
    requestId,
    region: requestRegion(host, services.config),
    host,
    sourceIp: request.ip,
    userAgent: firstHeader(request.headers['user-agent']),
  };
  let audited = false;
  const audit = async (error: ApiError | undefined): Promise<void> => {
    if (audited) return;
    audited = true;
    const definition = ACTIONS.get(action);
    const event = selfAuditEvent({
      caller,
      action,
      apiVersion: API_VERSION,
      eventRW:
        call.eventRW ?? eventRWOf(action, definition?.eventRW, ACTIONTRAIL_ACTIONS.has(action)),
      region: info.region,
      host,
      scheme: request.protocol,
      sourceIp: info.sourceIp,
      userAgent: info.userAgent,
      requestId,
      time: now,
      params: call.params,
      error: error && { code: error.code, message: error.message },
    });
    await call.writer.write(caller.accountId, event);
  };
  const log = (status: number, code: string | undefined) =>
    // Identifiers only, as the gateway logs: never parameters or cookies.
    services.logger.info(
      {
        requestId,
        action,
        status,
        code,
        accountId: caller.accountId,
        accessKeyId: caller.accessKeyId,
        via: 'console',
        ms: Math.round((performance.now() - started) * 100) / 100,
      },
      'rpc',
    );

  try {
    const answer = await work(info);
    await audit(undefined);
    log(200, undefined);
    if (answer.kind === 'json') return sendSuccess(reply, requestId, answer.body);
    return reply
      .code(200)
      .header('content-type', answer.contentType)
      .header('content-disposition', `attachment; filename="${answer.fileName}"`)
      .header('x-acs-request-id', requestId)
      .header('x-opentrail-truncated', String(answer.truncated))
      .send(answer.body);
  } catch (e) {
    return answerWithError(reply, e, { requestId, host, logger: services.logger, audit, log });
  }
}

/** Runs the registered Action `action` with the session's caller: the API's own handler. */
export function runAction(call: ConsoleCall): Promise<FastifyReply> {
  return answerAudited(call, async (info) => {
    const definition = ACTIONS.get(call.action);
    if (!definition) {
      throw ACTIONTRAIL_ACTIONS.has(call.action)
        ? errors.unsupportedOperation(call.action)
        : new ApiError('InvalidAction.NotFound');
    }
    const body = await definition.handle({
      params: call.params,
      caller: call.caller,
      request: info,
      services: call.services,
    });
    return { kind: 'json', body };
  });
}

/**
 * A console request body: a JSON object of string parameters named as on the wire (e.g.
 * `LookupAttribute.1.Key`). Anything else is a 400 InvalidParameter, never a 500.
 */
export function readJsonObject(body: unknown): Record<string, unknown> {
  const raw = Buffer.isBuffer(body) ? body.toString('utf8') : '';
  if (raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw errors.invalidParameter('body', 'It must be a JSON object.');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw errors.invalidParameter('body', 'It must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

export function readParams(body: unknown): RpcParams {
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(readJsonObject(body))) {
    if (value === undefined || value === null) continue;
    if (typeof value === 'number' || typeof value === 'boolean') params[name] = String(value);
    else if (typeof value === 'string') params[name] = value;
    else throw errors.invalidParameter(name, 'Parameters are strings, numbers or booleans.');
  }
  return params;
}
