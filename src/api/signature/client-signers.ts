/**
 * Client-side signing helpers, mirroring what the official SDKs do, for tests and tools that need
 * to build a valid request by hand (e.g. gateway tests with keys from the database). The
 * recorded SDK fixtures remain the ground truth these helpers are checked against.
 */
import { randomBytes } from 'node:crypto';
import { stringify } from 'node:querystring';
import { parseFormEncoded } from './percent-encoding.js';
import { splitUrl } from './request-parts.js';
import { signV1Params, v1FormEncode } from './signature-v1.js';
import { v3CanonicalRequest, v3HashHex, v3Sign, v3StringToSign } from './signature-v3.js';
import type { HeaderBag, RawRequest, V3Algorithm } from './types.js';

/** `YYYY-MM-DDThh:mm:ssZ`, the SDKs' timestamp format (no fraction). */
export function formatAcsTimestamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export interface Credentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string | undefined;
}

export interface V1RequestOptions extends Credentials {
  /** pop-core style: GET puts everything in the query, POST everything in a form body. */
  method: 'GET' | 'POST';
  action: string;
  version: string;
  params?: Record<string, string>;
  nowMs: number;
  nonce?: string;
  host?: string;
}

/** Builds a v1 request shaped like pop-core's (strict RFC 3986 on the wire, Signature last). */
export function buildV1Request(opts: V1RequestOptions): RawRequest {
  const common: Record<string, string> = {
    AccessKeyId: opts.accessKeyId,
    Action: opts.action,
    Format: 'JSON',
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: opts.nonce ?? randomBytes(16).toString('hex'),
    SignatureVersion: '1.0',
    Timestamp: formatAcsTimestamp(opts.nowMs),
    Version: opts.version,
  };
  if (opts.securityToken !== undefined) common.SecurityToken = opts.securityToken;
  const signed = signV1Params(opts.method, { ...opts.params, ...common }, opts.accessKeySecret);
  const encoded = v1FormEncode(signed);
  const host = opts.host ?? '127.0.0.1';
  if (opts.method === 'GET') {
    return { method: 'GET', url: `/?${encoded}`, headers: { host }, body: Buffer.alloc(0) };
  }
  return {
    method: 'POST',
    url: '/',
    headers: { host, 'content-type': 'application/x-www-form-urlencoded' },
    body: Buffer.from(encoded, 'utf8'),
  };
}

/**
 * Adds `x-acs-content-sha256` and an `Authorization` header to a request that already carries its
 * x-acs-* headers, signing every x-acs-*, host and content-type header present (as openapi-util).
 */
export function signV3Request(
  req: RawRequest,
  credentials: Credentials,
  algorithm: V3Algorithm = 'ACS3-HMAC-SHA256',
): RawRequest {
  const headers: HeaderBag = {
    ...req.headers,
    'x-acs-content-sha256': v3HashHex(algorithm, req.body),
  };
  if (credentials.securityToken !== undefined) {
    headers['x-acs-accesskey-id'] = credentials.accessKeyId;
    headers['x-acs-security-token'] = credentials.securityToken;
  }
  const signedHeaders = Object.keys(headers)
    .filter((h) => h.startsWith('x-acs-') || h === 'host' || h === 'content-type')
    .sort();
  const { path, rawQuery } = splitUrl(req.url);
  const canonical = v3CanonicalRequest({
    method: req.method,
    path,
    query: Object.fromEntries(parseFormEncoded(rawQuery)),
    headers,
    signedHeaders,
    hashedPayload: v3HashHex(algorithm, req.body),
  });
  const signature = v3Sign(
    algorithm,
    v3StringToSign(algorithm, canonical),
    credentials.accessKeySecret,
  );
  headers.authorization = `${algorithm} Credential=${credentials.accessKeyId},SignedHeaders=${signedHeaders.join(';')},Signature=${signature}`;
  return { ...req, headers };
}

export interface V3RequestOptions extends Credentials {
  method: 'GET' | 'POST';
  action: string;
  version: string;
  /** Business params in the query (what generated product SDKs do). */
  query?: Record<string, string>;
  /** Business params as a form body (openapi `callApi` with `req.body`). */
  form?: Record<string, string>;
  nowMs: number;
  nonce?: string;
  host?: string;
  algorithm?: V3Algorithm;
}

/** Builds a V3 request shaped like openapi-client `callApi` (querystring-style encoding). */
export function buildV3Request(opts: V3RequestOptions): RawRequest {
  // node:querystring is what the openapi cores use, so the wire form matches theirs.
  const query = opts.query ? stringify(opts.query) : '';
  const body = opts.form ? stringify(opts.form) : '';
  const headers: HeaderBag = {
    host: opts.host ?? '127.0.0.1',
    'x-acs-action': opts.action,
    'x-acs-version': opts.version,
    'x-acs-date': formatAcsTimestamp(opts.nowMs),
    'x-acs-signature-nonce': opts.nonce ?? randomBytes(16).toString('hex'),
  };
  if (body !== '') headers['content-type'] = 'application/x-www-form-urlencoded';
  const req: RawRequest = {
    method: opts.method,
    url: query === '' ? '/' : `/?${query}`,
    headers,
    body: Buffer.from(body, 'utf8'),
  };
  return signV3Request(req, opts, opts.algorithm);
}
