import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DevControls } from '../../domain/emulator/dev-controls.js';
import { ApiError, errors } from '../../errors/api-error.js';
import { toApiError } from '../../errors/to-api-error.js';
import { newRequestId } from '../../lib/ids.js';
import type { AppServices } from '../actions/action.js';
import { API_VERSION } from '../actions/known-actions.js';
import { authenticateParsed, signatureFailureError } from '../rpc/authenticate.js';
import { sendError, sendSuccess } from '../rpc/render.js';
import { firstHeader } from '../rpc/request-context.js';
import { incompleteSignature } from '../signature/failures.js';
import { parseSignedRequest } from '../signature/index.js';
import { DEV_HOOKS, type HookBody } from './dev-hooks.js';

export const HOOK_PREFIX = '/_opentrail/';

const NEEDS_ACS3 =
  'The /_opentrail test hooks need an ACS3-HMAC-SHA256 (V3) signature, which covers the request body.';

function parseBody(body: Buffer): HookBody {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw errors.invalidParameter('body', 'It must be a JSON object.');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw errors.invalidParameter('body', 'It must be a JSON object.');
  }
  return parsed as HookBody;
}

/**
 * The emulator's test hooks, `POST /_opentrail/<hook>` (docs/emulator.md): registered only in
 * dev mode, so everywhere else they are the plain 404 of an unknown path. V3-signed like the
 * ingest API (the signature covers the JSON body) by an admin-flagged key (403 otherwise).
 * They steer the emulator and are not ActionTrail calls, so they leave no self-audit event.
 */
export function registerDevHooks(app: FastifyInstance, services: AppServices, dev: DevControls) {
  const { config, logger } = services;
  const wallClock = services.wallClock ?? services.clock;

  async function handle(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const requestId = newRequestId();
    const host = firstHeader(request.headers.host);
    const started = performance.now();
    const path = (request.raw.url ?? '').split('?')[0] ?? '';
    const name = path.slice(HOOK_PREFIX.length);
    const hook = DEV_HOOKS.get(name);
    let accountId: string | undefined;
    const log = (status: number, code: string | undefined) => {
      const seconds = (performance.now() - started) / 1000;
      services.metrics?.request(`_opentrail/${hook ? name : 'unknown'}`, code ?? 'OK', seconds);
      logger.info(
        { requestId, action: `_opentrail/${name}`, status, code, accountId, ms: seconds * 1000 },
        'dev hook',
      );
    };
    try {
      if (!hook) throw new ApiError('InvalidAction.NotFound');
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const parsed = parseSignedRequest({
        method: request.method,
        url: request.raw.url ?? path,
        headers: request.headers,
        body,
      });
      if (!parsed.ok) throw signatureFailureError(parsed);
      if (parsed.scheme !== 'v3') throw signatureFailureError(incompleteSignature(NEEDS_ACS3));
      const auth = await authenticateParsed(parsed, {
        db: services.db,
        now: wallClock.now(),
        maxSkewMs: config.auth.maxSkewSeconds * 1000,
        nonceWindowMs: config.auth.nonceWindowSeconds * 1000,
      });
      accountId = auth.caller.accountId;
      if (auth.signature.version !== API_VERSION) throw new ApiError('InvalidVersion');
      if (!auth.caller.admin) {
        throw new ApiError(
          'Forbidden',
          'User not authorized to operate on the specified resource. The /_opentrail test hooks need an admin key (opentrail keys create --admin).',
        );
      }
      const result = await hook({ body: parseBody(body), caller: auth.caller, dev, services });
      log(200, undefined);
      return sendSuccess(reply, requestId, result);
    } catch (e) {
      const error = toApiError(e, logger, requestId);
      log(error.status, error.code);
      return sendError(reply, requestId, host, error);
    }
  }

  app.route({ method: 'POST', url: `${HOOK_PREFIX}*`, handler: handle });
}
