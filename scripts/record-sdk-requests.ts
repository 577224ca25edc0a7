/**
 * Records requests that the official Alibaba Cloud SDK packages really signed, so the signature
 * tests are fed with SDK output rather than with requests we built ourselves (a hand-written
 * fixture would only prove that our signer agrees with itself).
 *
 *   npx tsx scripts/record-sdk-requests.ts [output.jsonl]
 *
 * Starts a capture server on 127.0.0.1 (random port) that answers every request with
 * 200 {"RequestId": …}, drives every client variant against it (pop-core, openapi-client callApi
 * V3 / v1, doRPCRequest) for plain, STS and special-character parameters, and writes one JSON line
 * per request to test/fixtures/sdk-signed-requests.jsonl. The exports are reused by the "live"
 * test in src/api/signature, which signs a few requests with the installed SDKs at test time.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import OpenApi, { Config, OpenApiRequest, Params } from '@alicloud/openapi-client';
import RPCClient from '@alicloud/pop-core';
import type { RawRequest } from '../src/api/signature/index.js';

export const DEFAULT_OUTPUT = fileURLToPath(
  new URL('../test/fixtures/sdk-signed-requests.jsonl', import.meta.url),
);

// ---------------------------------------------------------------------------------------------
// Capture server
// ---------------------------------------------------------------------------------------------

export interface CapturedRequest {
  capturedAtMs: number;
  method: string;
  url: string;
  /** Lower-case names → value, as Node's IncomingMessage gives them. */
  headers: Record<string, string>;
  body: Buffer;
}

export interface CaptureServer {
  /** `127.0.0.1:PORT`: openapi `endpoint`; pop-core gets `http://` + this. */
  host: string;
  captures: CapturedRequest[];
  close(): Promise<void>;
}

export async function startCaptureServer(): Promise<CaptureServer> {
  const captures: CapturedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      captures.push({
        capturedAtMs: Date.now(),
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers,
        body: Buffer.concat(chunks),
      });
      // A success body every client accepts: JSON object, RequestId, no Code (see protocol notes §5).
      const requestId = randomUUID().toUpperCase();
      res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
      res.end(JSON.stringify({ RequestId: requestId }));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    captures,
    close: () =>
      new Promise<void>((ok, fail) => {
        // SDK agents keep connections alive; without this close() would wait for their timeout.
        server.closeAllConnections();
        server.close((err) => (err ? fail(err) : ok()));
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// SDK variants (client setup as in reference/protocol-scripts/sdk-clients-probe.mjs)
// ---------------------------------------------------------------------------------------------

export interface SdkCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string | undefined;
}

export interface SdkCall {
  host: string;
  credentials: SdkCredentials;
  action: string;
  version: string;
  params: Record<string, string>;
}

export interface SdkVariant {
  name: string;
  sdk: '@alicloud/pop-core' | '@alicloud/openapi-client';
  scheme: 'v1' | 'v3';
  run(call: SdkCall): Promise<unknown>;
}

// openapi-client is CommonJS with `exports.default = Client`; from ESM the default import is the
// whole exports object, hence `.default`.
const OpenApiClient = OpenApi.default;
type OpenApiRuntime = Parameters<InstanceType<typeof OpenApiClient>['callApi']>[2];

function openApiClient(call: SdkCall, extra: Record<string, string> = {}) {
  return new OpenApiClient(
    new Config({
      accessKeyId: call.credentials.accessKeyId,
      accessKeySecret: call.credentials.accessKeySecret,
      securityToken: call.credentials.securityToken,
      endpoint: call.host,
      protocol: 'http',
      ...extra,
    }),
  );
}

/** callApi params exactly as generated product SDKs pass them (RPC, POST, formData, json). */
function rpcParams(call: SdkCall, method: 'GET' | 'POST'): Params {
  return new Params({
    action: call.action,
    version: call.version,
    protocol: 'HTTPS',
    pathname: '/',
    method,
    authType: 'AK',
    style: 'RPC',
    reqBodyType: 'formData',
    bodyType: 'json',
  });
}

function popCore(call: SdkCall): RPCClient {
  return new RPCClient({
    endpoint: `http://${call.host}`,
    accessKeyId: call.credentials.accessKeyId,
    accessKeySecret: call.credentials.accessKeySecret,
    ...(call.credentials.securityToken ? { securityToken: call.credentials.securityToken } : {}),
    apiVersion: call.version,
  });
}

const runtime = {} as OpenApiRuntime;
const OPENAPI = '@alicloud/openapi-client';

export function sdkVariants(): SdkVariant[] {
  const query = (c: SdkCall) => new OpenApiRequest({ query: c.params });
  const form = (c: SdkCall) => new OpenApiRequest({ body: c.params });
  return [
    {
      name: 'pop-core GET',
      sdk: '@alicloud/pop-core',
      scheme: 'v1',
      run: (c) => popCore(c).request(c.action, c.params, { method: 'GET' }),
    },
    {
      name: 'pop-core POST',
      sdk: '@alicloud/pop-core',
      scheme: 'v1',
      run: (c) => popCore(c).request(c.action, c.params, { method: 'POST' }),
    },
    {
      name: 'openapi-client callApi (default)',
      sdk: OPENAPI,
      scheme: 'v3',
      run: (c) => openApiClient(c).callApi(rpcParams(c, 'POST'), query(c), runtime),
    },
    {
      name: 'openapi-client callApi form body',
      sdk: OPENAPI,
      scheme: 'v3',
      run: (c) => openApiClient(c).callApi(rpcParams(c, 'POST'), form(c), runtime),
    },
    {
      name: 'openapi-client callApi GET',
      sdk: OPENAPI,
      scheme: 'v3',
      run: (c) => openApiClient(c).callApi(rpcParams(c, 'GET'), query(c), runtime),
    },
    {
      name: 'openapi-client callApi ACS3-HMAC-SM3',
      sdk: OPENAPI,
      scheme: 'v3',
      run: (c) =>
        openApiClient(c, { signatureAlgorithm: 'ACS3-HMAC-SM3' }).callApi(
          rpcParams(c, 'POST'),
          query(c),
          runtime,
        ),
    },
    {
      name: 'openapi-client callApi signatureAlgorithm=v2',
      sdk: OPENAPI,
      scheme: 'v1',
      run: (c) =>
        openApiClient(c, { signatureAlgorithm: 'v2' }).callApi(
          rpcParams(c, 'POST'),
          query(c),
          runtime,
        ),
    },
    ...(['POST', 'GET'] as const).map(
      (method): SdkVariant => ({
        name: `openapi-client doRPCRequest ${method}`,
        sdk: OPENAPI,
        scheme: 'v1',
        run: (c) =>
          openApiClient(c).doRPCRequest(
            c.action,
            c.version,
            'HTTPS',
            method,
            'AK',
            'json',
            query(c),
            runtime,
          ),
      }),
    ),
    {
      name: 'openapi-client doRPCRequest form body',
      sdk: OPENAPI,
      scheme: 'v1',
      run: (c) =>
        openApiClient(c).doRPCRequest(
          c.action,
          c.version,
          'HTTPS',
          'POST',
          'AK',
          'json',
          form(c),
          runtime,
        ),
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Cases and recording
// ---------------------------------------------------------------------------------------------

export interface RecordCase {
  name: string;
  credentials: SdkCredentials;
  action: string;
  version: string;
  params: Record<string, string>;
}

export const LONG_TERM: SdkCredentials = { accessKeyId: 'testid', accessKeySecret: 'testsecret' };
export const STS: SdkCredentials = {
  accessKeyId: 'STS.testsecuritykeyid',
  accessKeySecret: 'testststemporarysecret',
  securityToken: 'CAIS+sts/token==',
};
/** Every character class the encoders disagree on: space, + * ~ ! ( ), CJK, reserved, %, é. */
export const SPECIAL_VALUE = 'a b+c*d~e!f(g)h中/?&=#%é';

const LIST = { action: 'ListDeliveryHistoryJobs', version: '2020-07-06' };
export const RECORD_CASES: RecordCase[] = [
  { name: 'plain', credentials: LONG_TERM, ...LIST, params: { PageSize: '20', PageNumber: '1' } },
  { name: 'sts', credentials: STS, ...LIST, params: { PageSize: '20', PageNumber: '1' } },
  {
    name: 'special',
    credentials: LONG_TERM,
    ...LIST,
    params: {
      PageSize: '20',
      PageNumber: '1',
      Name: SPECIAL_VALUE,
      Empty: '',
      'Tag.1.Key': 'env',
      'Tag.1.Value': '生产 prod',
    },
  },
];

export interface FixtureLine {
  label: string;
  sdk: string;
  scheme: 'v1' | 'v3';
  capturedAtMs: number;
  method: string;
  url: string;
  headers: Record<string, string>;
  bodyBase64: string;
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string | null;
  /** What the SDK was asked to send, so tests can check the parse against the caller's intent. */
  action: string;
  version: string;
  sdkParams: Record<string, string>;
}

/** Runs each variant once per case; every call must produce exactly one captured request. */
export async function recordRequests(
  server: CaptureServer,
  variants: SdkVariant[],
  cases: RecordCase[],
): Promise<FixtureLine[]> {
  const lines: FixtureLine[] = [];
  for (const rc of cases) {
    for (const variant of variants) {
      const before = server.captures.length;
      await variant.run({ host: server.host, ...rc });
      const captured = server.captures.slice(before);
      if (captured.length !== 1 || !captured[0]) {
        throw new Error(`${rc.name}: ${variant.name} sent ${captured.length} requests, expected 1`);
      }
      const cap = captured[0];
      lines.push({
        label: `${rc.name}: ${variant.name}`,
        sdk: variant.sdk,
        scheme: variant.scheme,
        capturedAtMs: cap.capturedAtMs,
        method: cap.method,
        url: cap.url,
        headers: cap.headers,
        bodyBase64: cap.body.toString('base64'),
        accessKeyId: rc.credentials.accessKeyId,
        accessKeySecret: rc.credentials.accessKeySecret,
        securityToken: rc.credentials.securityToken ?? null,
        action: rc.action,
        version: rc.version,
        sdkParams: rc.params,
      });
    }
  }
  return lines;
}

export function readFixtureLines(path: string = DEFAULT_OUTPUT): FixtureLine[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as FixtureLine);
}

/** A fresh RawRequest per call, so tests can mutate it freely. */
export function fixtureToRawRequest(line: FixtureLine): RawRequest {
  return {
    method: line.method,
    url: line.url,
    headers: { ...line.headers },
    body: Buffer.from(line.bodyBase64, 'base64'),
  };
}

async function main(): Promise<void> {
  const output = resolve(process.argv[2] ?? DEFAULT_OUTPUT);
  const server = await startCaptureServer();
  try {
    const lines = await recordRequests(server, sdkVariants(), RECORD_CASES);
    writeFileSync(output, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
    for (const line of lines) console.log(`${line.scheme}  ${line.method.padEnd(4)} ${line.label}`);
    console.log(`${lines.length} requests recorded → ${output}`);
  } finally {
    await server.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
