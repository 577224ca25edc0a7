import type { FastifyInstance, FastifyReply } from 'fastify';
import { ApiError } from '../../errors/api-error.js';
import { newRequestId } from '../../lib/ids.js';
import type { Metrics } from '../../observability/metrics.js';
import type { AppServices } from '../actions/action.js';
import { sendError } from '../rpc/render.js';

const JSON_TYPE = 'application/json;charset=utf-8';

/**
 * Operator endpoints, unsigned (probes and scrapers carry no AccessKey) and free of account
 * data: `/healthz` (the process answers), `/readyz` (it can serve: 503 with the failing check
 * otherwise) and, unless `metrics.listen` moves it or `metrics.enabled` is false, `/metrics`.
 */
export function registerHealthRoutes(app: FastifyInstance, services: AppServices): void {
  app.get('/healthz', async (_request, reply) =>
    reply.code(200).header('content-type', JSON_TYPE).send('{"status":"ok"}'),
  );
  app.get('/readyz', async (request, reply) => {
    const readiness = services.readiness ? await services.readiness() : undefined;
    if (!readiness || readiness.ready) {
      return reply
        .code(200)
        .header('content-type', JSON_TYPE)
        .send(JSON.stringify({ status: 'ready', checks: readiness?.checks ?? {} }));
    }
    const failing = Object.entries(readiness.checks)
      .filter(([, v]) => v !== 'ok' && v !== 'running' && v !== 'disabled')
      .map(([k, v]) => `${k}: ${v}`)
      .join('; ');
    const error = new ApiError(
      'ServiceUnavailable',
      `The service is unavailable. Please try again later. Not ready: ${failing}.`,
    );
    return sendError(reply, newRequestId(), request.headers.host ?? '', error);
  });
  const { metrics, config } = services;
  if (metrics && config.metrics.enabled && config.metrics.listen === undefined) {
    app.get('/metrics', (_request, reply) => sendMetrics(reply, metrics));
  }
}

export async function sendMetrics(reply: FastifyReply, metrics: Metrics): Promise<FastifyReply> {
  const { contentType, body } = await metrics.scrape();
  return reply.code(200).header('content-type', contentType).send(body);
}
