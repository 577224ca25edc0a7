/**
 * The CLI's HTTP client for a running opentrail (or any ActionTrail-compatible endpoint). It
 * signs with our own framework-free V3 signer (src/api/signature/client-signers.ts) so the
 * runtime needs no Alibaba SDK; remote commands go through the signed API only, never the
 * database, so they work against any node.
 */

import { buildIngestRequest } from '../../api/ingest/ingest-client.js';
import { buildV3Request, type Credentials } from '../../api/signature/index.js';
import type { RawRequest } from '../../api/signature/types.js';

export const API_VERSION = '2020-07-06';

export interface Connection extends Credentials {
  /** `http(s)://host[:port]`, already normalised by normalizeEndpoint. */
  endpoint: string;
  timeoutMs?: number;
}

/** The API answered with an error body (`Code`, `Message`), or not with JSON at all. */
export class RemoteApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'RemoteApiError';
  }
}

/** The server could not be reached (refused, DNS, TLS, timeout). */
export class ConnectionError extends Error {
  constructor(
    readonly endpoint: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConnectionError';
  }
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i;

/**
 * `http://127.0.0.1:8080` stays as is; a bare `host[:port]` (what openapi-client takes) gets
 * `http://` for loopback hosts (a local opentrail) and `https://` otherwise (Alibaba's
 * endpoints). Paths are dropped: the RPC API lives at `/`.
 */
export function normalizeEndpoint(text: string): string {
  const trimmed = text.trim();
  const withScheme = /^https?:\/\//i.test(trimmed)
    ? trimmed
    : `${LOOPBACK.test(trimmed.split('/')[0] ?? '') ? 'http' : 'https'}://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`not an endpoint URL: ${text}`);
  }
  return `${url.protocol}//${url.host}`;
}

/** Parameters as the API reads them: lists flattened to `Name.N` / `Name.N.Key` beforehand. */
export type ApiParams = Record<string, string | number | boolean | undefined>;

function stringParams(params: ApiParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) if (v !== undefined) out[k] = String(v);
  return out;
}

async function send(conn: Connection, req: RawRequest): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = {};
  // fetch derives Host from the URL, which is exactly the host that was signed.
  for (const [name, value] of Object.entries(req.headers)) {
    if (name !== 'host' && value !== undefined) headers[name] = String(value);
  }
  let res: Response;
  try {
    res = await fetch(`${conn.endpoint}${req.url}`, {
      method: req.method,
      headers,
      body: req.method === 'GET' ? undefined : req.body,
      signal: AbortSignal.timeout(conn.timeoutMs ?? 60_000),
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e));
    throw new ConnectionError(conn.endpoint, `cannot reach ${conn.endpoint} (${why})`);
  }
  const text = await res.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new RemoteApiError(
      res.status,
      res.ok ? 'InvalidResponse' : `HTTP${res.status}`,
      `the endpoint answered ${res.status} without JSON: ${text.slice(0, 120)}`,
    );
  }
  if (!res.ok || typeof body.Code === 'string') {
    throw new RemoteApiError(
      res.status,
      typeof body.Code === 'string' ? body.Code : `HTTP${res.status}`,
      typeof body.Message === 'string' ? body.Message : `HTTP ${res.status}`,
      typeof body.RequestId === 'string' ? body.RequestId : undefined,
    );
  }
  return body;
}

export interface ApiClient {
  readonly endpoint: string;
  /** Calls one RPC Action (V3-signed POST, parameters as a form body, as openapi-client does). */
  call(action: string, params?: ApiParams): Promise<Record<string, unknown>>;
  /** `POST /v1/events` (the ingest API) with a JSON array or NDJSON body. */
  putEvents(
    body: Buffer,
    options: { ndjson: boolean; gzip: boolean },
  ): Promise<Record<string, unknown>>;
}

export function createApiClient(conn: Connection): ApiClient {
  const host = new URL(conn.endpoint).host;
  const credentials: Credentials = {
    accessKeyId: conn.accessKeyId,
    accessKeySecret: conn.accessKeySecret,
    ...(conn.securityToken ? { securityToken: conn.securityToken } : {}),
  };
  return {
    endpoint: conn.endpoint,
    call: (action, params = {}) =>
      send(
        conn,
        buildV3Request({
          ...credentials,
          method: 'POST',
          action,
          version: API_VERSION,
          form: stringParams(params),
          nowMs: Date.now(),
          host,
        }),
      ),
    putEvents: (body, options) =>
      send(conn, buildIngestRequest({ ...credentials, host, body, ...options })),
  };
}
