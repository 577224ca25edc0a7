import { timingSafeEqual } from 'node:crypto';
import type { AccessKeyRow } from '../../db/repositories/access-keys.repository.js';
import { newTokenNonce } from '../../lib/ids.js';

/**
 * STS security tokens. A token names the temporary key it was issued for, so a token sent with
 * another key can be told apart (MismatchWithAccessKey) from garbage (Malformed). Alibaba's
 * tokens start with `CAIS`; ours do too, so clients that sniff the prefix are content.
 */
const PREFIX = 'CAIS';

export function issueSecurityToken(accessKeyId: string): string {
  return `${PREFIX}${Buffer.from(accessKeyId, 'utf8').toString('base64url')}.${newTokenNonce()}`;
}

function tokenKeyId(token: string): string | undefined {
  if (!token.startsWith(PREFIX)) return undefined;
  const dot = token.indexOf('.', PREFIX.length);
  if (dot < 0 || dot === token.length - 1) return undefined;
  const encoded = token.slice(PREFIX.length, dot);
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) return undefined;
  const id = Buffer.from(encoded, 'base64url').toString('utf8');
  return /^[A-Za-z0-9._-]{1,64}$/.test(id) ? id : undefined;
}

export type TokenProblem =
  | 'MissingSecurityToken'
  | 'InvalidSecurityToken.Expired'
  | 'InvalidSecurityToken.Malformed'
  | 'InvalidSecurityToken.MismatchWithAccessKey';

/** Decisions §1: what is wrong with the token sent with `key`, if anything. */
export function checkSecurityToken(
  key: Pick<AccessKeyRow, 'id' | 'kind' | 'security_token' | 'expires_at'>,
  token: string | undefined,
  now: number,
): TokenProblem | undefined {
  if (key.kind !== 'sts') {
    return token === undefined || token === ''
      ? undefined
      : 'InvalidSecurityToken.MismatchWithAccessKey';
  }
  if (token === undefined || token === '') return 'MissingSecurityToken';
  const namedKey = tokenKeyId(token);
  if (namedKey === undefined) return 'InvalidSecurityToken.Malformed';
  const expected = key.security_token ?? '';
  const same =
    namedKey === key.id &&
    expected.length === token.length &&
    timingSafeEqual(Buffer.from(expected), Buffer.from(token));
  if (!same) return 'InvalidSecurityToken.MismatchWithAccessKey';
  if (key.expires_at !== null && key.expires_at <= now) return 'InvalidSecurityToken.Expired';
  return undefined;
}
