/**
 * Signature v1 (`SignatureMethod=HMAC-SHA1`, `SignatureVersion=1.0`), used by pop-core, by
 * openapi `doRPCRequest` / `signatureAlgorithm: 'v2'`, Terraform and the older core SDKs.
 */
import { createHmac } from 'node:crypto';
import { byCodeUnit } from '../../lib/compare.js';
import { percentEncode } from './percent-encoding.js';

/**
 * CanonicalizedQueryString: every parameter except `Signature`, sorted by name, name and value
 * each percent-encoded, `name=value` joined with `&`. An empty value stays as `Name=`.
 */
export function v1CanonicalizedQuery(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .filter((name) => name !== 'Signature')
    .sort(byCodeUnit)
    .map((name) => `${percentEncode(name)}=${percentEncode(params[name] ?? '')}`)
    .join('&');
}

/**
 * StringToSign = METHOD + '&' + enc('/') + '&' + enc(CanonicalizedQueryString). The path is
 * always "/" for RPC, so v1 does not bind the request path or Host.
 */
export function v1StringToSign(method: string, params: Readonly<Record<string, string>>): string {
  return `${method.toUpperCase()}&${percentEncode('/')}&${percentEncode(v1CanonicalizedQuery(params))}`;
}

/** Signature = Base64(HMAC-SHA1(key = AccessKeySecret + '&', StringToSign)). */
export function v1Sign(stringToSign: string, accessKeySecret: string): string {
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign, 'utf8').digest('base64');
}

/**
 * Client-side helper (tests, tools): returns `params` plus the `Signature` a v1 client would add.
 * The caller supplies the common parameters (AccessKeyId, Timestamp, SignatureNonce, ...).
 */
export function signV1Params(
  method: string,
  params: Readonly<Record<string, string>>,
  accessKeySecret: string,
): Record<string, string> {
  const signature = v1Sign(v1StringToSign(method, params), accessKeySecret);
  return { ...params, Signature: signature };
}

/** Serialises params the way pop-core does on the wire (strict RFC 3986, `Signature` last). */
export function v1FormEncode(params: Readonly<Record<string, string>>): string {
  const names = Object.keys(params).filter((name) => name !== 'Signature');
  if (Object.hasOwn(params, 'Signature')) names.push('Signature');
  return names
    .map((name) => `${percentEncode(name)}=${percentEncode(params[name] ?? '')}`)
    .join('&');
}
