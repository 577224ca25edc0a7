import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EventWriter } from '../../domain/events/event-writer.js';
import { type IngestOutcome, ingestEvents } from '../../domain/events/ingest-events.js';
import { selfAuditEvent } from '../../domain/events/self-audit.js';
import { ApiError } from '../../errors/api-error.js';
import { newRequestId } from '../../lib/ids.js';
import { DAY_MS } from '../../lib/time.js';
import type { AppServices } from '../actions/action.js';
import { API_VERSION } from '../actions/known-actions.js';
import { type Authenticated, authenticateParsed } from '../rpc/authenticate.js';
import { answerWithError, sendSuccess } from '../rpc/render.js';
import { firstHeader, requestRegion } from '../rpc/request-context.js';
import { type DecodedBody, decodeIngestBody, MAX_BODY_BYTES } from './ingest-body.js';
import { ingestSignature } from './ingest-signature.js';

export const INGEST_PATH = '/v1/events';
export const INGEST_ACTION = 'PutEvents';

/**
 * `POST /v1/events` (decisions §3): V3-signed batches of events for the caller's account.
 * Authentication is the RPC gateway's (same checks, same order, same errors). Once the caller is
 * known the call is self-audited as `PutEvents` with the counts — never the events themselves —
 * and the answer waits for that record, as on the gateway. If the audit record cannot be written
 * the answer is a 500 even though the events are stored; the client's retry then finds them as
 * duplicates, so nothing is stored twice.
 */
export function registerIngestRoute(
  app: FastifyInstance,
  services: AppServices,
  auditWriter: EventWriter,
): void {
  const { config, clock, logger, db } = services;

  async function handle(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const requestId = newRequestId();
    const host = firstHeader(request.headers.host);
    const started = performance.now();
    const now = clock.now();
    const region = requestRegion(host, config);
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    let auth: Authenticated | undefined;
    let decoded: DecodedBody | undefined;
    let outcome: IngestOutcome | undefined;

    const audit = async (error: ApiError | undefined): Promise<void> => {
      if (!auth) return;
      const params: Record<string, string> = {
        ContentType: firstHeader(request.headers['content-type']),
        BodyBytes: String(body.length),
      };
      const encoding = firstHeader(request.headers['content-encoding']);
      if (encoding) params.ContentEncoding = encoding;
      if (decoded) params.EventCount = String(decoded.records.length);
      const event = selfAuditEvent({
        caller: auth.caller,
        action: INGEST_ACTION,
        apiVersion: auth.signature.version,
        eventRW: 'Write',
        region,
        host,
        scheme: request.protocol,
        sourceIp: request.ip,
        userAgent: firstHeader(request.headers['user-agent']),
        requestId,
        time: now,
        params,
        securityToken: auth.signature.securityToken,
        error: error && { code: error.code, message: error.message },
      });
      if (outcome) {
        event.responseElements = {
          Accepted: outcome.accepted,
          Duplicates: outcome.duplicates,
          Rejected: outcome.rejected.length,
        };
      }
      await auditWriter.write(auth.caller.accountId, event);
    };

    try {
      const parsed = ingestSignature({
        method: request.method,
        url: request.raw.url ?? INGEST_PATH,
        headers: request.headers,
        body,
      });
      auth = await authenticateParsed(parsed, {
        db,
        now: (services.wallClock ?? clock).now(),
        maxSkewMs: config.auth.maxSkewSeconds * 1000,
        nonceWindowMs: config.auth.nonceWindowSeconds * 1000,
        nonces: auditWriter,
        keys: services.accessKeys,
      });
      if (auth.signature.version !== API_VERSION) throw new ApiError('InvalidVersion');
      if (auth.signature.action !== INGEST_ACTION) {
        throw new ApiError(
          'InvalidAction.NotFound',
          `Specified api is not found, please check your url and method. ${INGEST_PATH} takes x-acs-action ${INGEST_ACTION}.`,
        );
      }
      // Emulator mode: an injected fault may refuse it (PutEvents has no published quota).
      services.dev?.beforeAction(auth.caller.accessKeyId, INGEST_ACTION);
      decoded = await decodeIngestBody(body, request.headers);
      outcome = await ingestEvents(
        db,
        {
          accountId: auth.caller.accountId,
          now,
          retentionMs: config.retention.days * DAY_MS,
          regions: config.regions,
          defaultRegion: region,
        },
        decoded.records,
      );
      await audit(undefined);
      logRequest(200, undefined);
      return sendSuccess(reply, requestId, {
        Accepted: outcome.accepted,
        Duplicates: outcome.duplicates,
        Rejected: outcome.rejected.map((r) => ({
          Index: r.index,
          EventId: r.eventId,
          Code: r.code,
          Message: r.message,
        })),
      });
    } catch (e) {
      return answerWithError(reply, e, { requestId, host, logger, audit, log: logRequest });
    }

    function logRequest(status: number, code: string | undefined): void {
      const ms = performance.now() - started;
      services.metrics?.request(INGEST_ACTION, code ?? 'OK', ms / 1000);
      if (outcome) {
        services.metrics?.eventsIngested({
          accepted: outcome.accepted,
          duplicates: outcome.duplicates,
          rejected: outcome.rejected.length,
        });
      }
      // Identifiers and counts only: never headers or the events.
      logger.info(
        {
          requestId,
          action: INGEST_ACTION,
          status,
          code,
          accountId: auth?.caller.accountId,
          accessKeyId: auth?.caller.accessKeyId,
          bodyBytes: body.length,
          events: decoded?.records.length,
          accepted: outcome?.accepted,
          duplicates: outcome?.duplicates,
          rejected: outcome?.rejected.length,
          ms: Math.round(ms * 100) / 100,
        },
        'ingest',
      );
    }
  }

  // Its own body limit: the RPC gateway's 1 MB would refuse a normal batch.
  app.route({ method: 'POST', url: INGEST_PATH, bodyLimit: MAX_BODY_BYTES, handler: handle });
}
