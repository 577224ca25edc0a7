/**
 * Client side of the ingest API, for tools and tests that do not use an Alibaba SDK: builds a
 * V3-signed `POST /v1/events` the way openapi-client's `callApi` does (see docs/intake.md) and
 * sends it with fetch. The server never imports this file.
 */
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { type Credentials, formatAcsTimestamp, signV3Request } from '../signature/index.js';
import type { HeaderBag, RawRequest } from '../signature/types.js';

export interface IngestRequestOptions extends Credentials {
  /** Events (sent as a JSON array, or as lines with `ndjson`), or the exact body bytes. */
  events?: readonly unknown[];
  body?: Buffer;
  ndjson?: boolean;
  gzip?: boolean;
  /** Overrides the media type picked from `ndjson`. */
  contentType?: string;
  /** A Content-Encoding header for a body that is sent as given (tests of broken encodings). */
  contentEncoding?: string;
  /** `host:port` the request is sent to; it is signed. */
  host: string;
  nowMs?: number;
  nonce?: string;
  action?: string;
  version?: string;
}

export function buildIngestRequest(opts: IngestRequestOptions): RawRequest {
  let body = opts.body;
  if (!body) {
    const events = opts.events ?? [];
    const text = opts.ndjson
      ? events.map((e) => `${JSON.stringify(e)}\n`).join('')
      : JSON.stringify(events);
    body = Buffer.from(text, 'utf8');
  }
  if (opts.gzip) body = gzipSync(body);
  const headers: HeaderBag = {
    host: opts.host,
    'x-acs-action': opts.action ?? 'PutEvents',
    'x-acs-version': opts.version ?? '2020-07-06',
    'x-acs-date': formatAcsTimestamp(opts.nowMs ?? Date.now()),
    'x-acs-signature-nonce': opts.nonce ?? randomBytes(16).toString('hex'),
    'content-type': opts.contentType ?? (opts.ndjson ? 'application/x-ndjson' : 'application/json'),
  };
  // Not signed (the signature covers the hash of the bytes as sent, compressed or not).
  const encoding = opts.gzip ? 'gzip' : opts.contentEncoding;
  if (encoding) headers['content-encoding'] = encoding;
  return signV3Request({ method: 'POST', url: '/v1/events', headers, body }, opts);
}

export interface IngestResponse {
  status: number;
  body: Record<string, unknown>;
}

/** Sends a built request to `http://<host>`; fetch sets the same Host header that was signed. */
export async function sendIngestRequest(req: RawRequest): Promise<IngestResponse> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name !== 'host' && value !== undefined) headers[name] = String(value);
  }
  const res = await fetch(`http://${String(req.headers.host)}${req.url}`, {
    method: req.method,
    headers,
    body: req.body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
