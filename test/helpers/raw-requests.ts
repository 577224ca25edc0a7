import type { FastifyInstance } from 'fastify';
import type { RawRequest } from '../../src/api/signature/index.js';

export interface RawResponse {
  status: number;
  headers: Record<string, unknown>;
  body: Record<string, unknown>;
}

/** Sends a hand-built (already signed) request into the in-process app. */
export async function send(app: FastifyInstance, req: RawRequest): Promise<RawResponse> {
  const res = await app.inject({
    method: req.method as 'GET' | 'POST',
    url: req.url,
    headers: Object.fromEntries(
      Object.entries(req.headers).filter(
        (e): e is [string, string | string[]] => e[1] !== undefined,
      ),
    ),
    ...(req.body.length > 0 ? { payload: req.body } : {}),
  });
  return {
    status: res.statusCode,
    headers: res.headers,
    body: JSON.parse(res.body) as Record<string, unknown>,
  };
}
