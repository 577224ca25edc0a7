import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, errors } from '../../errors/api-error.js';
import { toApiError } from '../../errors/to-api-error.js';
import { newRequestId } from '../../lib/ids.js';
import type { AppServices, Caller, RequestInfo } from '../actions/action.js';
import { ACTIONS } from '../actions/index.js';
import { ACTIONTRAIL_ACTIONS, API_VERSION } from '../actions/known-actions.js';
import { authenticate } from './authenticate.js';
import { sendError, sendSuccess } from './render.js';

const HOST_REGION = /^actiontrail\.([a-z0-9-]+)\./i;

function requestRegion(host: string, services: AppServices): string {
  const m = HOST_REGION.exec(host);
  const region = m?.[1]?.toLowerCase();
  return region && services.config.regions.includes(region) ? region : services.config.region;
}

function firstHeader(v: string | string[] | undefined): string {
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

/**
 * The Alibaba RPC endpoint: `GET /` and `POST /`, Action from the query/body (v1) or the
 * `x-acs-action` header (V3). Every request is authenticated before anything else happens.
 */
export function registerRpcGateway(app: FastifyInstance, services: AppServices): void {
  const { config, clock, logger } = services;

  async function handle(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const requestId = newRequestId();
    const host = firstHeader(request.headers.host);
    const started = performance.now();
    let caller: Caller | undefined;
    let action: string | undefined;
    try {
      const now = clock.now();
      const auth = await authenticate(
        {
          method: request.method,
          url: request.raw.url ?? '/',
          headers: request.headers,
          body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
        },
        {
          db: services.db,
          now,
          maxSkewMs: config.auth.maxSkewSeconds * 1000,
          nonceWindowMs: config.auth.nonceWindowSeconds * 1000,
        },
      );
      caller = auth.caller;
      action = auth.signature.action ?? '';
      if (auth.signature.version !== API_VERSION) throw new ApiError('InvalidVersion');
      const definition = ACTIONS.get(action);
      if (!definition) {
        throw ACTIONTRAIL_ACTIONS.has(action)
          ? errors.unsupportedOperation(action)
          : new ApiError('InvalidAction.NotFound');
      }
      const info: RequestInfo = {
        requestId,
        region: requestRegion(host, services),
        host,
        sourceIp: request.ip,
        userAgent: firstHeader(request.headers['user-agent']),
      };
      const result = await definition.handle({
        params: auth.signature.params,
        caller,
        request: info,
        services,
      });
      logRequest(200, undefined);
      return sendSuccess(reply, requestId, result);
    } catch (e) {
      const error = toApiError(e, logger, requestId);
      logRequest(error.status, error.code);
      return sendError(reply, requestId, host, error);
    }

    function logRequest(status: number, code: string | undefined): void {
      // Only identifiers: never the URL, headers or parameters, which may hold a token.
      logger.info(
        {
          requestId,
          action,
          status,
          code,
          accountId: caller?.accountId,
          accessKeyId: caller?.accessKeyId,
          ms: Math.round((performance.now() - started) * 100) / 100,
        },
        'rpc',
      );
    }
  }

  app.route({ method: ['GET', 'POST'], url: '/', handler: handle });
}
