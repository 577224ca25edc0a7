/**
 * Signature V3 (`ACS3-HMAC-SHA256`, optionally `ACS3-HMAC-SM3`), what openapi-client /
 * openapi-core `callApi` and therefore all current generated product SDKs send by default.
 */
import { createHash, createHmac } from 'node:crypto';
import { byCodeUnit } from '../../lib/compare.js';
import { percentEncode } from './percent-encoding.js';
import type { HeaderBag, V3Algorithm } from './types.js';

export const V3_ALGORITHMS: readonly V3Algorithm[] = ['ACS3-HMAC-SHA256', 'ACS3-HMAC-SM3'];

export function isV3Algorithm(value: string): value is V3Algorithm {
  return (V3_ALGORITHMS as readonly string[]).includes(value);
}

export interface V3Authorization {
  /** Whatever followed "ACS3-" up to the first space; not yet checked against V3_ALGORITHMS. */
  algorithm: string;
  accessKeyId: string;
  /** Lower-case header names in the order the client listed them. */
  signedHeaders: string[];
  signature: string;
}

/**
 * Parses `ACS3-HMAC-SHA256 Credential=<AK>,SignedHeaders=<h1;h2>,Signature=<hex>`.
 * Returns undefined for anything that is not of that shape (the caller answers IncompleteSignature).
 */
export function parseV3Authorization(value: string): V3Authorization | undefined {
  const m = /^\s*(ACS3-[A-Za-z0-9-]+)\s+(\S.*)$/.exec(value);
  if (!m) return undefined;
  const fields = new Map<string, string>();
  for (const part of (m[2] as string).split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return undefined;
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!credential || !signedHeaders || !signature) return undefined;
  const names = signedHeaders.split(';').map((h) => h.trim().toLowerCase());
  if (names.some((h) => h === '')) return undefined;
  return { algorithm: m[1] as string, accessKeyId: credential, signedHeaders: names, signature };
}

/**
 * CanonicalQueryString: decoded query params sorted by name, `enc(name)=enc(value)` joined by '&'.
 * The Node SDK does not encode names here, but Alibaba's docs say to; names are [A-Za-z0-9.] in
 * practice so both agree, and following the docs matches what the real service computes.
 */
export function v3CanonicalQuery(query: Readonly<Record<string, string>>): string {
  return Object.keys(query)
    .sort(byCodeUnit)
    .map((name) => `${percentEncode(name)}=${percentEncode(query[name] ?? '')}`)
    .join('&');
}

/**
 * Canonical value of one header, as openapi-util builds it: values trimmed; when a header came
 * several times (an array), the values are sorted and joined with ','. Absent headers count as ''.
 */
export function v3HeaderValue(headers: HeaderBag, name: string): string {
  const raw = headers[name];
  if (raw === undefined) return '';
  if (typeof raw === 'string') return raw.trim();
  return raw
    .map((v) => v.trim())
    .sort(byCodeUnit)
    .join(',');
}

/** CanonicalHeaders: `name:value\n` for every signed header, names sorted. */
export function v3CanonicalHeaders(headers: HeaderBag, signedHeaders: readonly string[]): string {
  return [...signedHeaders]
    .sort(byCodeUnit)
    .map((name) => `${name}:${v3HeaderValue(headers, name)}\n`)
    .join('');
}

export interface V3CanonicalRequestInput {
  method: string;
  /** Percent-encoded path as sent; "/" for RPC. */
  path: string;
  query: Readonly<Record<string, string>>;
  headers: HeaderBag;
  signedHeaders: readonly string[];
  /** Hex hash of the body bytes. */
  hashedPayload: string;
}

/**
 * CanonicalRequest = METHOD \n URI \n CanonicalQueryString \n CanonicalHeaders \n
 * SignedHeaders \n HashedPayload. CanonicalHeaders ends with its own '\n', hence the blank line.
 */
export function v3CanonicalRequest(input: V3CanonicalRequestInput): string {
  const signed = [...input.signedHeaders].sort(byCodeUnit);
  return [
    input.method.toUpperCase(),
    input.path === '' ? '/' : input.path,
    v3CanonicalQuery(input.query),
    v3CanonicalHeaders(input.headers, signed),
    signed.join(';'),
    input.hashedPayload,
  ].join('\n');
}

/** The digest behind each V3 algorithm (the openapi cores hash with SM3 for ACS3-HMAC-SM3). */
function digestName(algorithm: V3Algorithm): 'sha256' | 'sm3' {
  return algorithm === 'ACS3-HMAC-SM3' ? 'sm3' : 'sha256';
}

/** Lower-case hex hash of `data`: the body hash and the canonical-request hash. */
export function v3HashHex(algorithm: V3Algorithm, data: Buffer | string): string {
  return createHash(digestName(algorithm)).update(data).digest('hex');
}

/** StringToSign = Algorithm + '\n' + hex(hash(CanonicalRequest)). */
export function v3StringToSign(algorithm: V3Algorithm, canonicalRequest: string): string {
  return `${algorithm}\n${v3HashHex(algorithm, Buffer.from(canonicalRequest, 'utf8'))}`;
}

/** Signature = hex(HMAC(key = AccessKeySecret, StringToSign)); no '&' suffix, unlike v1. */
export function v3Sign(
  algorithm: V3Algorithm,
  stringToSign: string,
  accessKeySecret: string,
): string {
  return createHmac(digestName(algorithm), accessKeySecret)
    .update(stringToSign, 'utf8')
    .digest('hex');
}
