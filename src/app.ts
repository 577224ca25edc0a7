import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { AppServices } from './api/actions/action.js';
import { registerDevHooks } from './api/emulator/dev-hooks-route.js';
import { registerHealthRoutes } from './api/health/health-routes.js';
import { registerIngestRoute } from './api/ingest/ingest-route.js';
import { registerRpcGateway } from './api/rpc/gateway.js';
import { sendError } from './api/rpc/render.js';
import { registerConsole } from './console/console-routes.js';
import { EventWriter } from './domain/events/event-writer.js';
import { ApiError } from './errors/api-error.js';
import { toApiError } from './errors/to-api-error.js';
import { newRequestId } from './lib/ids.js';
import { ossBucketCheckFromConfig } from './sinks/s3/oss-bucket-check.js';

/** Largest RPC body we read; ActionTrail requests are small (the ingest API has its own limit). */
const RPC_BODY_LIMIT = 1024 * 1024;

/**
 * Builds the HTTP app without listening (architecture lesson 6): main.ts listens, tests inject.
 */
export async function buildApp(
  given: AppServices,
  options: { https?: { cert: Buffer; key: Buffer } | undefined } = {},
): Promise<FastifyInstance> {
  // Built here so every app (serve, tests) checks buckets when an OSS endpoint is configured.
  const bucketCheck = given.ossBucketCheck ? undefined : ossBucketCheckFromConfig(given.config);
  const services: AppServices = bucketCheck ? { ...given, ossBucketCheck: bucketCheck } : given;
  // With a certificate the same app speaks HTTPS only (no plain listener beside it).
  const app = Fastify({
    ...(options.https ? { https: options.https } : {}),
    loggerInstance: services.logger as FastifyBaseLogger,
    // Fastify's request log would print URLs, and v1 URLs carry the SecurityToken.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: RPC_BODY_LIMIT,
    trustProxy: false,
  }) as unknown as FastifyInstance;

  // V3 signs the hash of the exact body bytes, so every body is kept raw; the gateway decodes.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((error, request, reply) => {
    const requestId = newRequestId();
    const apiError = toApiError(error, services.logger, requestId);
    return sendError(reply, requestId, request.headers.host ?? '', apiError);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      newRequestId(),
      request.headers.host ?? '',
      new ApiError('InvalidAction.NotFound'),
    ),
  );

  // One group commit for both routes' nonces and self-audit records.
  const requestWrites = new EventWriter(services.db);
  registerRpcGateway(app, services, requestWrites);
  registerIngestRoute(app, services, requestWrites);
  registerConsole(app, services);
  registerHealthRoutes(app, services);
  if (services.dev) registerDevHooks(app, services, services.dev);
  if (bucketCheck) app.addHook('onClose', async () => bucketCheck.close());
  return app;
}
