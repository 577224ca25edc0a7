import { describe, expect, it } from 'vitest';
import { checkSecurityToken, issueSecurityToken } from './security-token.js';

const sts = (id: string, expires = 10_000) => ({
  id,
  kind: 'sts' as const,
  security_token: issueSecurityToken(id),
  expires_at: expires,
});

describe('security tokens', () => {
  it('start with CAIS and name their key', () => {
    expect(issueSecurityToken('STS.abc')).toMatch(/^CAIS[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('classify every problem as decisions §1 says', () => {
    const key = sts('STS.one');
    const other = sts('STS.two');
    expect(checkSecurityToken(key, key.security_token, 5000)).toBeUndefined();
    expect(checkSecurityToken(key, undefined, 5000)).toBe('MissingSecurityToken');
    expect(checkSecurityToken(key, 'CAIS+sts/token==', 5000)).toBe(
      'InvalidSecurityToken.Malformed',
    );
    expect(checkSecurityToken(key, other.security_token, 5000)).toBe(
      'InvalidSecurityToken.MismatchWithAccessKey',
    );
    const forged = `${key.security_token.split('.')[0]}.forgedpart`;
    expect(checkSecurityToken(key, forged, 5000)).toBe(
      'InvalidSecurityToken.MismatchWithAccessKey',
    );
    expect(checkSecurityToken(key, key.security_token, 10_000)).toBe(
      'InvalidSecurityToken.Expired',
    );
    const longTerm = {
      id: 'LTAIx',
      kind: 'long_term' as const,
      security_token: null,
      expires_at: null,
    };
    expect(checkSecurityToken(longTerm, undefined, 0)).toBeUndefined();
    expect(checkSecurityToken(longTerm, key.security_token, 0)).toBe(
      'InvalidSecurityToken.MismatchWithAccessKey',
    );
  });
});
