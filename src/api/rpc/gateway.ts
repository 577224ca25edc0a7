import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EventWriter } from '../../domain/events/event-writer.js';
import { eventRWOf, selfAuditEvent } from '../../domain/events/self-audit.js';
import { ApiError, errors } from '../../errors/api-error.js';
import { newRequestId } from '../../lib/ids.js';
import type { ActionDefinition, AppServices, RequestInfo } from '../actions/action.js';
import { ACTIONS } from '../actions/index.js';
import { ACTIONTRAIL_ACTIONS, API_VERSION } from '../actions/known-actions.js';
import { parseSignedRequest } from '../signature/index.js';
import { type Authenticated, authenticateParsed, signatureFailureError } from './authenticate.js';
import { answerWithError, sendSuccess } from './render.js';
import { firstHeader, requestRegion } from './request-context.js';

/**
 * The Alibaba RPC endpoint: `GET /` and `POST /`, Action from the query/body (v1) or the
 * `x-acs-action` header (V3). Every request is authenticated before anything else happens.
 * Once it is, its outcome (success or error) is recorded as a self-audit event of the caller's
 * account before the answer leaves (decisions §1 and §3); if that record cannot be written the
 * answer is a 500 InternalError, so nothing unaudited succeeds. Requests rejected before
 * authentication are logged and counted, never stored.
 *
 * A Read Action's nonce is recorded in the same commit as its self-audit event, not in one of
 * its own before the Action runs ([G]: one commit per request instead of two; decisions §1 asks
 * only that both commit before the answer). A replayed Read request therefore runs its read,
 * but is answered SignatureNonceUsed and not stored, as when the nonce is checked first. Write
 * Actions record the nonce first, so a replay never runs one.
 */
export function registerRpcGateway(
  app: FastifyInstance,
  services: AppServices,
  auditWriter: EventWriter,
): void {
  const { config, clock, logger } = services;
  let rejectedBeforeAuth = 0;

  async function handle(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const requestId = newRequestId();
    const host = firstHeader(request.headers.host);
    const started = performance.now();
    const now = clock.now();
    const info: RequestInfo = {
      requestId,
      region: requestRegion(host, config),
      host,
      sourceIp: request.ip,
      userAgent: firstHeader(request.headers['user-agent']),
    };
    let auth: Authenticated | undefined;
    let action: string | undefined;
    let definition: ActionDefinition | undefined;
    let audited = false;
    let auditAttempted = false;
    let replayed = false;

    const audit = async (error: ApiError | undefined): Promise<void> => {
      if (!auth || auditAttempted) return;
      auditAttempted = true;
      const name = action ?? '';
      const event = selfAuditEvent({
        caller: auth.caller,
        action: name,
        apiVersion: auth.signature.version,
        eventRW: eventRWOf(name, definition?.eventRW, ACTIONTRAIL_ACTIONS.has(name)),
        region: info.region,
        host,
        scheme: request.protocol,
        sourceIp: info.sourceIp,
        userAgent: info.userAgent,
        requestId,
        time: now,
        params: auth.signature.params,
        securityToken: auth.signature.securityToken,
        error: error && { code: error.code, message: error.message },
      });
      audited = await auditWriter.write(auth.caller.accountId, event, auth.nonce);
      if (!audited) {
        // The deferred nonce was used already: a replay, refused like one caught before the Action.
        auth = undefined;
        replayed = true;
        rejectedBeforeAuth += 1;
        throw new ApiError('SignatureNonceUsed');
      }
    };

    try {
      const parsed = parseSignedRequest({
        method: request.method,
        url: request.raw.url ?? '/',
        headers: request.headers,
        body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
      });
      if (!parsed.ok) throw signatureFailureError(parsed);
      // Named in the log line even when the signature is refused next (never in metrics labels).
      action = parsed.action ?? '';
      const wanted = ACTIONS.get(action);
      auth = await authenticateParsed(parsed, {
        db: services.db,
        now: (services.wallClock ?? clock).now(),
        maxSkewMs: config.auth.maxSkewSeconds * 1000,
        nonceWindowMs: config.auth.nonceWindowSeconds * 1000,
        nonces: auditWriter,
        keys: services.accessKeys,
        deferNonce: wanted?.eventRW === 'Read' && parsed.version === API_VERSION,
      });
      action = auth.signature.action ?? '';
      if (auth.signature.version !== API_VERSION) throw new ApiError('InvalidVersion');
      definition = ACTIONS.get(action);
      if (!definition) {
        throw ACTIONTRAIL_ACTIONS.has(action)
          ? errors.unsupportedOperation(action)
          : new ApiError('InvalidAction.NotFound');
      }
      // Emulator mode: an injected fault or the published rate limit may refuse the call.
      services.dev?.beforeAction(auth.caller.accessKeyId, action);
      const result = await definition.handle({
        params: auth.signature.params,
        caller: auth.caller,
        request: info,
        services,
      });
      await audit(undefined);
      logRequest(200, undefined);
      return sendSuccess(reply, requestId, result);
    } catch (e) {
      if (!auth && !replayed) rejectedBeforeAuth += 1;
      return answerWithError(reply, e, { requestId, host, logger, audit, log: logRequest });
    }

    function logRequest(status: number, code: string | undefined): void {
      const ms = performance.now() - started;
      // Label: a known Action name only, so a caller cannot mint series with made-up names.
      const label = action !== undefined && ACTIONTRAIL_ACTIONS.has(action) ? action : 'unknown';
      services.metrics?.request(label, code ?? 'OK', ms / 1000);
      // Only identifiers: never the URL, headers or parameters, which may hold a token.
      logger.info(
        {
          requestId,
          action,
          status,
          code,
          accountId: auth?.caller.accountId,
          accessKeyId: auth?.caller.accessKeyId,
          audited,
          ...(auth ? {} : { rejectedBeforeAuth }),
          ms: Math.round(ms * 100) / 100,
        },
        'rpc',
      );
    }
  }

  app.route({ method: ['GET', 'POST'], url: '/', handler: handle });
}
