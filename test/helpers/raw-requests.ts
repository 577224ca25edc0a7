import type { FastifyInstance } from 'fastify';
import type { RawRequest } from '../../src/api/signature/index.js';

export interface RawResponse {
  status: number;
  headers: Record<string, unknown>;
  body: Record<string, unknown>;
}

/**
 * Sends a hand-built (already signed) request into the in-process app; the body as received
 * (the fuzzer must see an answer that is not JSON).
 */
export async function injectRaw(
  app: FastifyInstance,
  req: RawRequest,
): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
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
  return { status: res.statusCode, headers: res.headers, text: res.body };
}

/** Sends a hand-built (already signed) request into the in-process app; the JSON answer. */
export async function send(app: FastifyInstance, req: RawRequest): Promise<RawResponse> {
  const { status, headers, text } = await injectRaw(app, req);
  return { status, headers, body: JSON.parse(text) as Record<string, unknown> };
}
