/**
 * Shapes shared by the signature module. The module is framework-free on purpose: the gateway
 * adapts its HTTP framework's request into a {@link RawRequest}, so the verifier can be tested
 * against recorded SDK traffic without starting a server.
 */

/** Header names are lower-case, as Node's `IncomingMessage.headers` gives them. */
export type HeaderBag = Record<string, string | string[] | undefined>;

export interface RawRequest {
  method: string;
  /** Request target as received: path plus the raw (still percent-encoded) query. */
  url: string;
  headers: HeaderBag;
  /** Raw body bytes; an empty buffer when there is none. */
  body: Buffer;
}

export type SignatureErrorCode =
  | 'MissingParameter'
  | 'InvalidParameter'
  | 'IncompleteSignature'
  | 'SignatureDoesNotMatch'
  | 'InvalidTimeStamp.Format'
  | 'InvalidTimeStamp.Expired';

export interface SignatureFailure {
  ok: false;
  code: SignatureErrorCode;
  message: string;
  /** Set for MissingParameter / InvalidParameter: the parameter (or header) concerned. */
  parameter?: string;
}

export type V3Algorithm = 'ACS3-HMAC-SHA256' | 'ACS3-HMAC-SM3';
export type SignatureAlgorithm = 'HMAC-SHA1' | V3Algorithm;

/** What verifySignature needs to recompute a v1 signature. */
export interface V1SigningInput {
  scheme: 'v1';
  method: string;
  /** Every decoded parameter (query merged with form body) except `Signature`. */
  signedParams: Record<string, string>;
  /** The `Signature` the client sent (base64). */
  signature: string;
}

/** What verifySignature needs to recompute a V3 signature. */
export interface V3SigningInput {
  scheme: 'v3';
  algorithm: V3Algorithm;
  method: string;
  /** Raw path as received; RPC clients always use "/". */
  path: string;
  /** Decoded query parameters (the form body is covered by the payload hash instead). */
  query: Record<string, string>;
  /** Values of the signed headers, keyed by lower-case name. */
  headers: HeaderBag;
  /** Lower-case names from `SignedHeaders=`, as the client listed them. */
  signedHeaders: string[];
  /** Hash of the body bytes actually received (never the client's claim). */
  hashedPayload: string;
  /** The hex signature from the Authorization header, lower-cased. */
  signature: string;
}

export interface ParsedSignature {
  ok: true;
  scheme: 'v1' | 'v3';
  algorithm: SignatureAlgorithm;
  accessKeyId: string;
  /** v1 `SecurityToken` parameter / V3 `x-acs-security-token` header. */
  securityToken: string | undefined;
  /** `SignatureNonce` / `x-acs-signature-nonce`. */
  nonce: string;
  /** `Timestamp` / `x-acs-date`, exactly as sent. */
  timestamp: string;
  action: string | undefined;
  version: string | undefined;
  /** v1 `Format` parameter (V3 never sends one); the gateway may use it to pick JSON or XML. */
  format: string | undefined;
  /**
   * Business parameters: decoded query merged with a form body (body wins), with the
   * signature/common parameters (see COMMON_PARAMETER_NAMES) removed.
   */
  params: Record<string, string>;
  signing: V1SigningInput | V3SigningInput;
}
