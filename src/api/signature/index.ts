/**
 * Alibaba Cloud RPC OpenAPI request signatures (v1 HMAC-SHA1 and V3 ACS3-HMAC-SHA256/SM3).
 *
 * Gateway flow: parseSignedRequest → checkTimestamp → (key lookup, STS token check, nonce: the
 * gateway's job) → verifySignature.
 */
export {
  buildV1Request,
  buildV3Request,
  type Credentials,
  formatAcsTimestamp,
  signV3Request,
  type V1RequestOptions,
  type V3RequestOptions,
} from './client-signers.js';
export { COMMON_PARAMETER_NAMES, parseSignedRequest } from './parse-signed-request.js';
export { decodeFormComponent, parseFormEncoded, percentEncode } from './percent-encoding.js';
export {
  signV1Params,
  v1CanonicalizedQuery,
  v1FormEncode,
  v1Sign,
  v1StringToSign,
} from './signature-v1.js';
export {
  isV3Algorithm,
  parseV3Authorization,
  type V3Authorization,
  type V3CanonicalRequestInput,
  v3CanonicalHeaders,
  v3CanonicalQuery,
  v3CanonicalRequest,
  v3HashHex,
  v3Sign,
  v3StringToSign,
} from './signature-v3.js';
export { checkTimestamp, DEFAULT_MAX_SKEW_MS, parseAcsTimestamp } from './timestamp.js';
export type {
  HeaderBag,
  ParsedSignature,
  RawRequest,
  SignatureAlgorithm,
  SignatureErrorCode,
  SignatureFailure,
  V1SigningInput,
  V3Algorithm,
  V3SigningInput,
} from './types.js';
export { serverCanonicalRequest, verifySignature } from './verify-signature.js';
