import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppServices } from '../api/actions/action.js';
import type { RpcParams } from '../api/rpc/params.js';
import { sendError, sendSuccess } from '../api/rpc/render.js';
import { firstHeader } from '../api/rpc/request-context.js';
import { EventWriter } from '../domain/events/event-writer.js';
import { ApiError } from '../errors/api-error.js';
import { toApiError } from '../errors/to-api-error.js';
import { newRequestId } from '../lib/ids.js';
import { loadAssets, SECURITY_HEADERS } from './console-assets.js';
import {
  checkOrigin,
  clearedSessionCookie,
  readCookie,
  readSignInForm,
  requireSession,
  SESSION_COOKIE,
  sessionCookie,
  verifySignIn,
} from './console-auth.js';
import {
  answerAudited,
  type ConsoleCall,
  readJsonObject,
  readParams,
  runAction,
} from './console-calls.js';
import {
  collectEvents,
  EXPORT_MAX_EVENTS,
  hourlyTimeline,
  TIMELINE_MAX_EVENTS,
  toNdjson,
} from './event-collector.js';
import { SessionStore } from './session-store.js';
import { SignInThrottle } from './sign-in-throttle.js';

/**
 * The web console ([F2], docs/console.md): static page at `/console`, JSON endpoints under
 * `/console/api`. A signed-in session runs the API's own Action handlers as its key, and every
 * call is self-audited exactly like a signed request (decisions §2–3).
 */
export function registerConsole(app: FastifyInstance, services: AppServices): SessionStore {
  const { db, clock, config } = services;
  const store = new SessionStore(clock, config.console.sessionTtlSeconds * 1000);
  const writer = new EventWriter(db);
  const throttle = new SignInThrottle(clock);
  const assets = loadAssets();

  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/console')) return;
    reply.headers(SECURITY_HEADERS);
    if (request.url.startsWith('/console/api')) reply.header('cache-control', 'no-store');
  });

  const page = (_request: FastifyRequest, reply: FastifyReply) => {
    const index = assets.get('index.html');
    if (!index) throw new Error('web/console/index.html is missing');
    return reply.code(200).header('content-type', index.type).send(index.body);
  };
  app.get('/console', page);
  app.get('/console/', page);
  app.get<{ Params: { name: string } }>('/console/assets/:name', (request, reply) => {
    const asset =
      request.params.name === 'index.html' ? undefined : assets.get(request.params.name);
    if (!asset) return fail(request, reply, new ApiError('InvalidAction.NotFound'));
    return reply.code(200).header('content-type', asset.type).send(asset.body);
  });

  const secure = (request: FastifyRequest) => request.protocol === 'https';

  // Who is signed in, and the CSRF token the page keeps in memory (a reload asks again).
  app.get('/console/api/session', async (request, reply) => {
    try {
      const { session } = await requireSession(request, store, db, { readOnly: true });
      return sendSuccess(reply, newRequestId(), sessionBody(session));
    } catch (e) {
      return fail(request, reply, e);
    }
  });

  app.post('/console/api/session', async (request, reply) => {
    let verified: Awaited<ReturnType<typeof verifySignIn>>;
    try {
      checkOrigin(request);
      throttle.check(request.ip);
      const form = readSignInForm(readJsonObject(request.body));
      try {
        verified = await verifySignIn(db, form, clock.now());
      } catch (e) {
        throttle.failed(request.ip);
        throw e;
      }
      throttle.succeeded(request.ip);
    } catch (e) {
      // Not signed in: logged by the error path like any request rejected before auth.
      return fail(request, reply, e);
    }
    const call = consoleCall(request, reply, verified.caller, 'ConsoleSignin', {});
    return answerAudited({ ...call, eventRW: 'Write' }, async () => {
      const { id, session } = store.create(verified.caller, verified.limitMs);
      reply.header('set-cookie', sessionCookie(id, secure(request)));
      return { kind: 'json', body: sessionBody(session) };
    });
  });

  app.delete('/console/api/session', async (request, reply) => {
    let current: Awaited<ReturnType<typeof requireSession>>;
    try {
      current = await requireSession(request, store, db, { readOnly: false });
    } catch (e) {
      return fail(request, reply, e);
    }
    const call = consoleCall(request, reply, current.session.caller, 'ConsoleSignout', {});
    return answerAudited({ ...call, eventRW: 'Write' }, async () => {
      store.delete(current.id);
      reply.header('set-cookie', clearedSessionCookie(secure(request)));
      return { kind: 'json', body: {} };
    });
  });

  /** A data endpoint: session + CSRF, then an audited call with the body's parameters. */
  const data = (
    url: string,
    action: (request: FastifyRequest) => string,
    run: (call: ConsoleCall) => Promise<FastifyReply>,
  ) =>
    app.post(url, async (request, reply) => {
      let current: Awaited<ReturnType<typeof requireSession>>;
      try {
        current = await requireSession(request, store, db, { readOnly: false });
      } catch (e) {
        return fail(request, reply, e);
      }
      const name = action(request);
      let params: RpcParams;
      try {
        params = readParams(request.body);
      } catch (e) {
        // Authenticated, so even a malformed body is recorded (decisions §3).
        const call = consoleCall(request, reply, current.session.caller, name, {});
        return answerAudited(call, () => Promise.reject(e));
      }
      return run(consoleCall(request, reply, current.session.caller, name, params));
    });

  data(
    '/console/api/actions/:action',
    (request) => String((request.params as { action: string }).action).slice(0, 128),
    runAction,
  );
  data(
    '/console/api/events/timeline',
    () => 'LookupEvents',
    (call) =>
      answerAudited(call, async (info) => {
        const events = await collectEvents(
          services,
          call.caller,
          info,
          call.params,
          TIMELINE_MAX_EVENTS,
        );
        return { kind: 'json', body: { ...hourlyTimeline(events) } };
      }),
  );
  data(
    '/console/api/events/export',
    () => 'LookupEvents',
    (call) =>
      answerAudited(call, async (info) => {
        const events = await collectEvents(
          services,
          call.caller,
          info,
          call.params,
          EXPORT_MAX_EVENTS,
        );
        return {
          kind: 'file',
          contentType: 'application/x-ndjson; charset=utf-8',
          fileName: `events-${events.startTime}-${events.endTime}.ndjson`.replace(/:/g, ''),
          body: toNdjson(events.events),
          truncated: events.truncated,
        };
      }),
  );

  function consoleCall(
    request: FastifyRequest,
    reply: FastifyReply,
    caller: ConsoleCall['caller'],
    action: string,
    params: RpcParams,
  ): ConsoleCall {
    return { request, reply, services, writer, caller, action, params };
  }

  function fail(request: FastifyRequest, reply: FastifyReply, e: unknown): FastifyReply {
    const requestId = newRequestId();
    const error = toApiError(e, services.logger, requestId);
    services.logger.info(
      { requestId, status: error.status, code: error.code, via: 'console' },
      'console request rejected',
    );
    // An expired or unknown session cookie is cleared, so the browser stops sending it.
    if (error.code === 'ConsoleSession.Required' && readCookie(request, SESSION_COOKIE)) {
      reply.header('set-cookie', clearedSessionCookie(secure(request)));
    }
    return sendError(reply, requestId, firstHeader(request.headers.host), error);
  }

  return store;
}

function sessionBody(session: {
  caller: { accountId: string; accessKeyId: string };
  csrfToken: string;
  expiresAt: number;
}): Record<string, unknown> {
  return {
    AccountId: session.caller.accountId,
    AccessKeyId: session.caller.accessKeyId,
    CsrfToken: session.csrfToken,
    ExpiresAt: new Date(session.expiresAt).toISOString(),
  };
}
