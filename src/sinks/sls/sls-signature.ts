import { createHash, createHmac } from 'node:crypto';
import { byCodeUnit } from '../../lib/compare.js';

/**
 * SLS's v1 request signature (delivery-sinks §3.3), used by our client to sign and by
 * `opentrail dev sls` to verify:
 *
 *   VERB \n CONTENT-MD5 \n CONTENT-TYPE \n DATE \n
 *   every x-log-* / x-acs-* header as `name:value\n` (lower-case, sorted, value trimmed)
 *   path [? sorted k=v joined by &]   (query values as sent, not URL-encoded)
 *
 *   Authorization: LOG <AccessKeyId>:base64(HMAC-SHA1 or -SHA256 (secret, StringToSign))
 */
export interface SignInput {
  method: string;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string | undefined>>;
  path: string;
  query?: Readonly<Record<string, string>>;
}

export type SignatureMethod = 'hmac-sha1' | 'hmac-sha256';

export function stringToSign(input: SignInput): string {
  const h = input.headers;
  const canonicalHeaders = Object.keys(h)
    .filter((k) => k.startsWith('x-log-') || k.startsWith('x-acs-'))
    .sort(byCodeUnit)
    .map((k) => `${k}:${String(h[k] ?? '').trim()}\n`)
    .join('');
  const pairs = Object.entries(input.query ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .sort(byCodeUnit);
  const resource = pairs.length > 0 ? `${input.path}?${pairs.join('&')}` : input.path;
  return `${input.method}\n${h['content-md5'] ?? ''}\n${h['content-type'] ?? ''}\n${h.date ?? ''}\n${canonicalHeaders}${resource}`;
}

export function signature(secret: string, text: string, method: SignatureMethod): string {
  const algorithm = method === 'hmac-sha256' ? 'sha256' : 'sha1';
  return createHmac(algorithm, secret).update(text, 'utf8').digest('base64');
}

export function authorization(accessKeyId: string, secret: string, input: SignInput): string {
  const method = (input.headers['x-log-signaturemethod'] ?? 'hmac-sha1') as SignatureMethod;
  return `LOG ${accessKeyId}:${signature(secret, stringToSign(input), method)}`;
}

/** Content-MD5 as SLS wants it: upper-case hex, not base64. */
export function contentMd5(body: Uint8Array): string {
  return createHash('md5').update(body).digest('hex').toUpperCase();
}
