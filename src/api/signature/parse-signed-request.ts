/**
 * Structural parse of a signed RPC request: decides v1 or V3, checks that every required piece is
 * present and well-formed, and extracts identity and business parameters. It needs no secret, so
 * the gateway can look the key up (and check the nonce) between parsing and verifySignature.
 */
import {
  incompleteSignature,
  invalidParameter,
  missingParameter,
  signatureDoesNotMatch,
} from './failures.js';
import { parseFormEncoded } from './percent-encoding.js';
import { headerValue, isFormBody, splitUrl } from './request-parts.js';
import { isV3Algorithm, parseV3Authorization, v3HashHex } from './signature-v3.js';
import type { HeaderBag, ParsedSignature, RawRequest, SignatureFailure } from './types.js';

/** Signature and common parameters: never handed to the API handlers as business params. */
export const COMMON_PARAMETER_NAMES: readonly string[] = [
  'Signature',
  'SignatureMethod',
  'SignatureVersion',
  'SignatureNonce',
  'AccessKeyId',
  'SecurityToken',
  'Timestamp',
  'Format',
  'Action',
  'Version',
];

/** In the order Alibaba reports them, so the first missing one is named. */
const V1_REQUIRED = [
  'AccessKeyId',
  'Signature',
  'SignatureMethod',
  'SignatureVersion',
  'SignatureNonce',
  'Timestamp',
  'Action',
  'Version',
] as const;

const V3_REQUIRED_HEADERS = [
  'x-acs-action',
  'x-acs-version',
  'x-acs-date',
  'x-acs-signature-nonce',
  'host',
] as const;

/** Content-hash headers: openapi cores always say sha256 (even for SM3); gateway-pop says sm3. */
const CONTENT_HASH_HEADERS = ['x-acs-content-sha256', 'x-acs-content-sm3'] as const;

/** Lower-cases names defensively (callers other than Node may not) and drops undefined values. */
function normaliseHeaders(headers: HeaderBag): HeaderBag {
  // Node's own header objects are already in that form: no copy per request ([G]).
  let plain = true;
  for (const name in headers) {
    if (headers[name] === undefined || HAS_UPPER.test(name)) {
      plain = false;
      break;
    }
  }
  if (plain) return headers;
  const out = new Map<string, string[]>();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    out.set(key, [...(out.get(key) ?? []), ...(Array.isArray(value) ? value : [value])]);
  }
  return Object.fromEntries(
    [...out].map(([k, v]): [string, string | string[]] => [
      k,
      v.length === 1 ? (v[0] as string) : v,
    ]),
  );
}

const HAS_UPPER = /[A-Z]/;

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function businessParams(all: ReadonlyMap<string, string>): Record<string, string> {
  const out = new Map(all);
  for (const name of COMMON_PARAMETER_NAMES) out.delete(name);
  return Object.fromEntries(out);
}

export function parseSignedRequest(req: RawRequest): ParsedSignature | SignatureFailure {
  const headers = normaliseHeaders(req.headers);
  const { path, rawQuery } = splitUrl(req.url);
  const query = parseFormEncoded(rawQuery);
  // Both schemes take API parameters from the query and a form body (body wins on a clash, as the
  // openapi v1 signer merges them that way).
  const params = new Map(query);
  if (isFormBody(headers) && req.body.length > 0) {
    for (const [name, value] of parseFormEncoded(req.body.toString('utf8')))
      params.set(name, value);
  }
  const authorization = headerValue(headers, 'authorization');
  if (authorization !== undefined && /^\s*ACS3-/.test(authorization)) {
    return parseV3({ req, headers, path, query, params, authorization });
  }
  if (params.has('Signature') || params.has('AccessKeyId')) return parseV1(req.method, params);
  // ACS4 (gateway-pop), bearer tokens and anything else we do not implement.
  if (authorization !== undefined) {
    return incompleteSignature('The Authorization scheme is not supported.');
  }
  return missingParameter('AccessKeyId');
}

function parseV1(method: string, params: Map<string, string>): ParsedSignature | SignatureFailure {
  for (const name of V1_REQUIRED) {
    if (!params.get(name)) return missingParameter(name);
  }
  const get = (name: string): string => params.get(name) ?? '';
  if (get('SignatureMethod') !== 'HMAC-SHA1') return invalidParameter('SignatureMethod');
  if (get('SignatureVersion') !== '1.0') return invalidParameter('SignatureVersion');
  const signedParams = new Map(params);
  signedParams.delete('Signature');
  return {
    ok: true,
    scheme: 'v1',
    algorithm: 'HMAC-SHA1',
    accessKeyId: get('AccessKeyId'),
    securityToken: nonEmpty(params.get('SecurityToken')),
    nonce: get('SignatureNonce'),
    timestamp: get('Timestamp'),
    action: get('Action'),
    version: get('Version'),
    format: params.get('Format'),
    params: businessParams(params),
    signing: {
      scheme: 'v1',
      method: method.toUpperCase(),
      signedParams: Object.fromEntries(signedParams),
      signature: get('Signature'),
    },
  };
}

interface V3Parts {
  req: RawRequest;
  headers: HeaderBag;
  path: string;
  query: Map<string, string>;
  params: Map<string, string>;
  authorization: string;
}

function parseV3(parts: V3Parts): ParsedSignature | SignatureFailure {
  const { req, headers } = parts;
  const auth = parseV3Authorization(parts.authorization);
  if (!auth) return incompleteSignature('The Authorization header is malformed.');
  if (!isV3Algorithm(auth.algorithm)) {
    return incompleteSignature(`The signature algorithm "${auth.algorithm}" is not supported.`);
  }
  const algorithm = auth.algorithm;
  for (const name of V3_REQUIRED_HEADERS) {
    if (!headerValue(headers, name)) return missingParameter(name);
  }
  // Alibaba: every common header present must be signed. Otherwise an attacker could add an
  // x-acs-security-token (or swap content-type) without invalidating the signature.
  const signed = new Set(auth.signedHeaders);
  for (const name of Object.keys(headers)) {
    const mustBeSigned =
      name.startsWith('x-acs-') ||
      name === 'host' ||
      (name === 'content-type' && req.body.length > 0);
    if (mustBeSigned && !signed.has(name)) {
      return incompleteSignature(`The header "${name}" is not signed.`);
    }
  }
  // Hash the bytes actually received: the claimed hash is signed, but the body itself is not.
  const bodyHash = v3HashHex(algorithm, req.body);
  for (const name of CONTENT_HASH_HEADERS) {
    const claimed = headerValue(headers, name);
    if (claimed !== undefined && claimed.trim().toLowerCase() !== bodyHash) {
      return signatureDoesNotMatch(
        `The content hash does not match the request body: ${name} is "${claimed}", the body hashes to "${bodyHash}".`,
      );
    }
  }
  const get = (name: string): string => headerValue(headers, name) ?? '';
  return {
    ok: true,
    scheme: 'v3',
    algorithm,
    accessKeyId: auth.accessKeyId,
    securityToken: nonEmpty(headerValue(headers, 'x-acs-security-token')),
    nonce: get('x-acs-signature-nonce'),
    timestamp: get('x-acs-date'),
    action: get('x-acs-action'),
    version: get('x-acs-version'),
    format: undefined,
    params: businessParams(parts.params),
    signing: {
      scheme: 'v3',
      algorithm,
      method: req.method.toUpperCase(),
      path: parts.path,
      query: Object.fromEntries(parts.query),
      headers: Object.fromEntries(auth.signedHeaders.map((name) => [name, headers[name]])),
      signedHeaders: auth.signedHeaders,
      hashedPayload: bodyHash,
      signature: auth.signature.toLowerCase(),
    },
  };
}
