import type { ApiError } from '../../errors/api-error.js';
import { signatureFailureError } from '../rpc/authenticate.js';
import { incompleteSignature } from '../signature/failures.js';
import {
  type ParsedSignature,
  parseSignedRequest,
  type RawRequest,
  type SignatureFailure,
} from '../signature/index.js';

/** Why a v1 signature is refused here: it covers neither the path nor the body. */
export const INGEST_NEEDS_ACS3 =
  'The ingest API /v1/events needs an ACS3-HMAC-SHA256 (V3) signature, which covers the request body; HMAC-SHA1 (v1) signatures are not accepted here.';

/**
 * The structural parse of an ingest request. A v1 signature is turned away here, before any key
 * lookup, so it spends no nonce: v1 signs parameters only, and an ingest body is not parameters.
 * Throws the ApiError the gateway would answer.
 */
export function ingestSignature(req: RawRequest): ParsedSignature {
  const parsed: ParsedSignature | SignatureFailure = parseSignedRequest(req);
  if (!parsed.ok) throw signatureFailureError(parsed);
  if (parsed.scheme !== 'v3') throw refuseV1();
  return parsed;
}

function refuseV1(): ApiError {
  return signatureFailureError(incompleteSignature(INGEST_NEEDS_ACS3));
}
