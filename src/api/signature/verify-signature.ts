/** Recomputes a parsed request's signature with the caller's secret and compares it. */
import { timingSafeEqual } from 'node:crypto';
import { signatureDoesNotMatch } from './failures.js';
import { v1Sign, v1StringToSign } from './signature-v1.js';
import { v3CanonicalRequest, v3Sign, v3StringToSign } from './signature-v3.js';
import type { ParsedSignature, SignatureFailure } from './types.js';

/** Constant-time for equal lengths; a length mismatch only reveals the client's own input length. */
function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/**
 * Undefined when the signature matches. On a mismatch the message carries the server's
 * string-to-sign in Alibaba's exact wording, because client developers debug by diffing it with
 * their own (the SDKs print the server message).
 */
export function verifySignature(
  parsed: ParsedSignature,
  accessKeySecret: string,
): SignatureFailure | undefined {
  const signing = parsed.signing;
  if (signing.scheme === 'v1') {
    const stringToSign = v1StringToSign(signing.method, signing.signedParams);
    if (safeEqual(v1Sign(stringToSign, accessKeySecret), signing.signature)) return undefined;
    // The v1 string to sign holds every parameter, the SecurityToken too: it is masked in the
    // echo, so an answer (or a proxy's log of it) never carries a credential.
    const shown = v1StringToSign(signing.method, maskToken(signing.signedParams));
    return signatureDoesNotMatch(
      `Specified signature is not matched with our calculation. server string to sign is:${shown}`,
    );
  }
  const stringToSign = v3StringToSign(signing.algorithm, v3CanonicalRequest(signing));
  if (safeEqual(v3Sign(signing.algorithm, stringToSign, accessKeySecret), signing.signature)) {
    return undefined;
  }
  return signatureDoesNotMatch(
    `Specified signature does not match our calculation. server StringToSign is [${stringToSign}]`,
  );
}

/** The server-side canonical request of a V3 request (undefined for v1), for debug logging. */
export function serverCanonicalRequest(parsed: ParsedSignature): string | undefined {
  return parsed.signing.scheme === 'v3' ? v3CanonicalRequest(parsed.signing) : undefined;
}

const MASK = '***';

function maskToken(params: Record<string, string>): Record<string, string> {
  return 'SecurityToken' in params ? { ...params, SecurityToken: MASK } : params;
}
