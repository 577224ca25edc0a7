import { createHash, createHmac, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { SDK_TIMEOUT_MS } from './sdk-clients.js';

/**
 * A test author's helper for the emulator hooks (docs/emulator.md shows the same signing):
 * signs `POST /_opentrail/<hook>` with ACS3-HMAC-SHA256 (V3) using node:crypto only, and returns
 * the status, headers and JSON body. `endpoint` is `http://host:port`.
 */
export interface HookKey {
  accessKeyId: string;
  accessKeySecret: string;
}

export interface HookResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

export function callHook(
  endpoint: string,
  key: HookKey,
  hook: string,
  params: Record<string, unknown> = {},
): Promise<HookResponse> {
  return signedPost(endpoint, key, `/_opentrail/${hook}`, hook, JSON.stringify(params));
}

/** Any V3-signed POST: a hook, or an RPC Action on `/` with an empty body (no parameters). */
export async function signedPost(
  endpoint: string,
  key: HookKey,
  path: string,
  action: string,
  text: string,
): Promise<HookResponse> {
  const url = new URL(path, endpoint);
  const body = Buffer.from(text);
  const headers: Record<string, string> = {
    host: url.host,
    'content-type': 'application/json',
    'x-acs-action': action,
    'x-acs-version': '2020-07-06',
    'x-acs-date': new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'x-acs-signature-nonce': randomUUID(),
    'x-acs-content-sha256': sha256(body),
  };
  const names = Object.keys(headers).sort();
  const canonical = [
    'POST',
    url.pathname,
    '', // no query string
    ...names.map((n) => `${n}:${headers[n]}`),
    '',
    names.join(';'),
    headers['x-acs-content-sha256'],
  ].join('\n');
  const stringToSign = `ACS3-HMAC-SHA256\n${sha256(canonical)}`;
  const signature = createHmac('sha256', key.accessKeySecret).update(stringToSign).digest('hex');
  headers.authorization = `ACS3-HMAC-SHA256 Credential=${key.accessKeyId},SignedHeaders=${names.join(';')},Signature=${signature}`;
  const { host: _host, ...sent } = headers;
  const res = await fetch(url, { method: 'POST', headers: sent, body });
  return {
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as Record<string, unknown>,
  };
}

/**
 * The same hook through the official `@alicloud/openapi-client` (`callApi`, style ROA: V3 over
 * the JSON body). A failed hook throws the SDK's error (`code`, `statusCode`).
 */
export async function callHookViaSdk(
  host: string,
  key: HookKey,
  hook: string,
  body: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const OpenApi = createRequire(import.meta.url)('@alicloud/openapi-client') as {
    default: new (
      c: unknown,
    ) => {
      callApi(p: unknown, r: unknown, o: unknown): Promise<{ body: Record<string, unknown> }>;
    };
    Config: new (c: Record<string, unknown>) => unknown;
    Params: new (c: Record<string, unknown>) => unknown;
    OpenApiRequest: new (c: Record<string, unknown>) => unknown;
  };
  const client = new OpenApi.default(
    new OpenApi.Config({
      ...key,
      endpoint: host,
      protocol: 'http',
      connectTimeout: SDK_TIMEOUT_MS,
      readTimeout: SDK_TIMEOUT_MS,
    }),
  );
  const params = new OpenApi.Params({
    action: hook,
    version: '2020-07-06',
    pathname: `/_opentrail/${hook}`,
    method: 'POST',
    protocol: 'HTTPS',
    authType: 'AK',
    style: 'ROA',
    reqBodyType: 'json',
    bodyType: 'json',
  });
  return (await client.callApi(params, new OpenApi.OpenApiRequest({ body }), {})).body;
}
