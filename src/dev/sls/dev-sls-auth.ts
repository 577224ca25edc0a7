import type { IncomingHttpHeaders } from 'node:http';
import {
  contentMd5,
  type SignatureMethod,
  signature,
  stringToSign,
} from '../../sinks/sls/sls-signature.js';

export interface AuthFailure {
  status: number;
  code: string;
  message: string;
}

/** SLS accepts requests whose Date is within 15 minutes of its clock. */
const MAX_SKEW_MS = 15 * 60_000;

function header(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Checks a request as SLS does (delivery-sinks §3.3): the v1 `LOG <ak>:<signature>` over the
 * canonical string (hmac-sha1, or hmac-sha256 when `x-log-signaturemethod` says so), the clock,
 * and the upper-case hex Content-MD5 of the body. Returns the failure, or undefined when good.
 */
export function checkRequest(
  req: {
    method: string;
    headers: IncomingHttpHeaders;
    path: string;
    query: Record<string, string>;
    body: Buffer;
  },
  secrets: ReadonlyMap<string, string>,
  now: number,
): AuthFailure | undefined {
  const auth = header(req.headers, 'authorization') ?? '';
  const m = /^LOG ([^:]+):(.+)$/.exec(auth);
  if (!m) return { status: 401, code: 'Unauthorized', message: 'authorization is missing' };
  const secret = secrets.get(m[1] as string);
  if (secret === undefined) {
    return { status: 401, code: 'Unauthorized', message: `AccessKeyId not found: ${m[1]}` };
  }
  const date = Date.parse(header(req.headers, 'date') ?? '');
  if (!Number.isFinite(date) || Math.abs(date - now) > MAX_SKEW_MS) {
    return {
      status: 400,
      code: 'RequestTimeExpired',
      message: 'Request time is out of the allowed window (15 minutes)',
    };
  }
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v[0] : v;
  const method = (headers['x-log-signaturemethod'] ?? 'hmac-sha1') as SignatureMethod;
  if (method !== 'hmac-sha1' && method !== 'hmac-sha256') {
    return { status: 400, code: 'InvalidSignatureMethod', message: `unsupported ${method}` };
  }
  const text = stringToSign({ method: req.method, headers, path: req.path, query: req.query });
  if (signature(secret, text, method) !== m[2]) {
    return {
      status: 401,
      code: 'SignatureNotMatch',
      message: `signature ${m[2]} not match`,
    };
  }
  const md5 = headers['content-md5'];
  if (req.body.length > 0 && md5 !== contentMd5(req.body)) {
    return {
      status: 400,
      code: 'InvalidContentMD5',
      message: 'Content-MD5 does not match the body',
    };
  }
  return undefined;
}
