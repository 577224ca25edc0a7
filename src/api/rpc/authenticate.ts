import type { Kysely } from 'kysely';
import { findAccessKey } from '../../db/repositories/access-keys.repository.js';
import { rememberNonce } from '../../db/repositories/nonces.repository.js';
import type { NonceWrite } from '../../db/repositories/request-writes.repository.js';
import type { Database } from '../../db/schema.js';
import type { AccessKeyLookup } from '../../domain/accounts/access-key-cache.js';
import { checkSecurityToken } from '../../domain/accounts/security-token.js';
import { ApiError, errors } from '../../errors/api-error.js';
import type { Caller } from '../actions/action.js';
import {
  checkTimestamp,
  type ParsedSignature,
  type SignatureFailure,
  verifySignature,
} from '../signature/index.js';

export interface AuthSettings {
  readonly db: Kysely<Database>;
  readonly now: number;
  readonly maxSkewMs: number;
  readonly nonceWindowMs: number;
  /** Where keys are read: the app's AccessKeyCache; findAccessKey on `db` when not given. */
  readonly keys?: AccessKeyLookup | undefined;
  /**
   * Where nonces are recorded: the app's group commit (EventWriter) so concurrent requests
   * share one transaction; rememberNonce on `db` when not given.
   */
  readonly nonces?: {
    rememberNonce(keyId: string, nonce: string, now: number, windowStart: number): Promise<boolean>;
  };
  /**
   * Check everything but the nonce and hand it back (`Authenticated.nonce`) for the caller to
   * record in its self-audit commit: for a Read Action only (the gateway), whose replay may run.
   */
  readonly deferNonce?: boolean;
}

export interface Authenticated {
  caller: Caller;
  signature: ParsedSignature;
  /** The nonce still to record, when `deferNonce` was asked for. */
  nonce?: NonceWrite | undefined;
}

export function signatureFailureError(f: SignatureFailure): ApiError {
  if (f.code === 'MissingParameter' && f.parameter) return errors.missingParameter(f.parameter);
  return new ApiError(f.code, f.message);
}

/**
 * The order of checks (decisions §1, openapi-protocol.md §8): shape of the signature (the
 * caller's `parseSignedRequest`, so the gateway can name the Action even of a refused request,
 * and the ingest API can turn v1 away before any key lookup), then timestamp, key, signature,
 * security token, and only then the nonce, so a request that fails earlier does not burn its
 * nonce. The nonce is recorded in the same statement that checks it.
 */
export async function authenticateParsed(
  parsed: ParsedSignature,
  s: AuthSettings,
): Promise<Authenticated> {
  const late = checkTimestamp(parsed.timestamp, s.now, s.maxSkewMs);
  if (late) throw signatureFailureError(late);

  const key = s.keys
    ? await s.keys.find(parsed.accessKeyId)
    : await findAccessKey(s.db, parsed.accessKeyId);
  if (!key) throw new ApiError('InvalidAccessKeyId.NotFound');
  if (key.status !== 'Active') throw new ApiError('InvalidAccessKeyId.Inactive');

  const mismatch = verifySignature(parsed, key.secret);
  if (mismatch) throw signatureFailureError(mismatch);

  const tokenProblem = checkSecurityToken(key, parsed.securityToken, s.now);
  if (tokenProblem) throw new ApiError(tokenProblem);

  const windowStart = s.now - s.nonceWindowMs;
  const caller: Caller = {
    accountId: key.account_id,
    accessKeyId: key.id,
    keyKind: key.kind,
    admin: key.is_admin === 1,
  };
  if (s.deferNonce) {
    const nonce = { accessKeyId: key.id, nonce: parsed.nonce, now: s.now, windowStart };
    return { signature: parsed, caller, nonce };
  }
  const fresh = s.nonces
    ? await s.nonces.rememberNonce(key.id, parsed.nonce, s.now, windowStart)
    : await rememberNonce(s.db, key.id, parsed.nonce, s.now, windowStart);
  if (!fresh) throw new ApiError('SignatureNonceUsed');

  return { signature: parsed, caller };
}
