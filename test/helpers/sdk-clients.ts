import { createRequire } from 'node:module';

/**
 * The official Alibaba Cloud SDK packages, configured exactly as the README tells users:
 * pop-core with `endpoint: 'http://host:port'`; openapi-client with `endpoint: 'host:port'` and
 * `protocol: 'http'`. Each variant calls one Action and returns the parsed body.
 */
const require = createRequire(import.meta.url);

interface PopCoreClient {
  request(
    action: string,
    params: Record<string, unknown>,
    opts: { method: string },
  ): Promise<Record<string, unknown>>;
}
type PopCoreCtor = new (config: Record<string, unknown>) => PopCoreClient;

interface OpenApiModule {
  default: new (
    config: unknown,
  ) => {
    callApi(
      params: unknown,
      request: unknown,
      runtime: unknown,
    ): Promise<{ body: Record<string, unknown> }>;
  };
  Config: new (c: Record<string, unknown>) => unknown;
  Params: new (c: Record<string, unknown>) => unknown;
  OpenApiRequest: new (c: Record<string, unknown>) => unknown;
}

const PopCore = require('@alicloud/pop-core') as PopCoreCtor & { RPCClient?: PopCoreCtor };
const OpenApi = require('@alicloud/openapi-client') as OpenApiModule;

export interface ClientKey {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string | undefined;
}

export interface Target {
  url: string;
  host: string;
}

export type Variant =
  | 'pop-core GET'
  | 'pop-core POST'
  | 'openapi V3'
  | 'openapi V3 form'
  | 'openapi v1 RPC';
export const VARIANTS: Variant[] = [
  'pop-core GET',
  'pop-core POST',
  'openapi V3',
  'openapi V3 form',
  'openapi v1 RPC',
];

// The SDKs give up after 5 s (openapi-client: "ConnectTimeout" is an idle socket, i.e. a slow
// answer). A CI machine running two test files beside PostgreSQL can stall a process that long;
// the tests assert behaviour, not speed, so they wait as long as a patient user would.
export const SDK_TIMEOUT_MS = 30_000;

function stringMap(params: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]));
}

export async function call(
  variant: Variant,
  target: Target,
  key: ClientKey,
  action: string,
  params: Record<string, unknown> = {},
  version = '2020-07-06',
): Promise<Record<string, unknown>> {
  if (variant.startsWith('pop-core')) {
    const RPCClient = PopCore.RPCClient ?? PopCore;
    const client = new RPCClient({
      endpoint: target.url,
      accessKeyId: key.accessKeyId,
      accessKeySecret: key.accessKeySecret,
      ...(key.securityToken ? { securityToken: key.securityToken } : {}),
      apiVersion: version,
      opts: { timeout: SDK_TIMEOUT_MS },
    });
    return client.request(action, params, { method: variant === 'pop-core GET' ? 'GET' : 'POST' });
  }
  const config = new OpenApi.Config({
    accessKeyId: key.accessKeyId,
    accessKeySecret: key.accessKeySecret,
    ...(key.securityToken ? { securityToken: key.securityToken } : {}),
    endpoint: target.host,
    protocol: 'http',
    connectTimeout: SDK_TIMEOUT_MS,
    readTimeout: SDK_TIMEOUT_MS,
    ...(variant === 'openapi v1 RPC' ? { signatureAlgorithm: 'v2' } : {}),
  });
  const client = new OpenApi.default(config);
  const apiParams = new OpenApi.Params({
    action,
    version,
    protocol: 'HTTPS',
    pathname: '/',
    method: 'POST',
    authType: 'AK',
    style: 'RPC',
    reqBodyType: 'formData',
    bodyType: 'json',
  });
  const request = new OpenApi.OpenApiRequest(
    variant === 'openapi V3 form' ? { body: stringMap(params) } : { query: stringMap(params) },
  );
  return (await client.callApi(apiParams, request, {})).body;
}

/** What a user sees of a failed SDK call: the error code and (openapi only) the HTTP status. */
export interface SdkFailure {
  code: string;
  statusCode: number | undefined;
  message: string;
  data: Record<string, unknown> | undefined;
}

export async function callExpectingError(...args: Parameters<typeof call>): Promise<SdkFailure> {
  try {
    const body = await call(...args);
    throw new Error(`expected an error, got ${JSON.stringify(body)}`);
  } catch (e) {
    const err = e as { code?: unknown; statusCode?: unknown; message?: unknown; data?: unknown };
    if (typeof err.code !== 'string') throw e;
    return {
      code: err.code,
      statusCode: typeof err.statusCode === 'number' ? err.statusCode : undefined,
      message: String(err.message),
      data: err.data as Record<string, unknown> | undefined,
    };
  }
}

interface TeaUtil {
  default: { getNonce(): string };
}

/**
 * Makes the openapi SDK sign with a nonce of our choice for the duration of `fn`, so a test can
 * send the same SDK request twice (a replay) without hand-building it.
 */
export async function withFixedNonce<T>(nonce: string, fn: () => Promise<T>): Promise<T> {
  const teaUtil = require('@alicloud/tea-util') as TeaUtil;
  const original = teaUtil.default.getNonce;
  teaUtil.default.getNonce = () => nonce;
  try {
    return await fn();
  } finally {
    teaUtil.default.getNonce = original;
  }
}
