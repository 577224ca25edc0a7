import Fastify, { type FastifyInstance } from 'fastify';
import type { Metrics } from '../../observability/metrics.js';
import { sendMetrics } from './health-routes.js';

/**
 * `metrics.listen`: /metrics on an address of its own (e.g. an internal interface the API port
 * is not on). Nothing else is served there. Resolves to the server, listening.
 */
export async function startMetricsServer(
  listen: string,
  metrics: Metrics,
): Promise<{ server: FastifyInstance; url: string }> {
  const at = listen.lastIndexOf(':');
  const host = listen.slice(0, at).replace(/^\[(.*)\]$/, '$1');
  const port = Number(listen.slice(at + 1));
  const server = Fastify({ logger: false });
  server.get('/metrics', (_request, reply) => sendMetrics(reply, metrics));
  const url = await server.listen({ host, port });
  return { server, url };
}
