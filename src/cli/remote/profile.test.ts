import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { profilePath, resolveConnection, writeProfiles } from './profile.js';

function homeWith(profiles: Record<string, Record<string, string>>) {
  const HOME = mkdtempSync(path.join(tmpdir(), 'opentrail-profile-'));
  writeProfiles(profilePath({ HOME }), { profiles });
  return HOME;
}

const saved = {
  default: {
    endpoint: 'http://127.0.0.1:1111',
    accessKeyId: 'LTAIprofile',
    accessKeySecret: 'ps',
    securityToken: 'pt',
  },
};

describe('resolveConnection: flags > environment > profile, setting by setting', () => {
  it('takes everything from the profile when nothing else is set, token included', () => {
    const HOME = homeWith(saved);
    expect(statSync(profilePath({ HOME })).mode & 0o777).toBe(0o600);
    expect(resolveConnection({}, { HOME })).toMatchObject({
      endpoint: 'http://127.0.0.1:1111',
      accessKeyId: 'LTAIprofile',
      securityToken: 'pt',
      sources: { endpoint: 'profile', accessKeyId: 'profile' },
    });
  });

  it('lets the environment override one setting and a flag override the environment', () => {
    const HOME = homeWith(saved);
    const env = {
      HOME,
      OPENTRAIL_ENDPOINT: 'http://127.0.0.1:2222',
      ALIBABA_CLOUD_ENDPOINT: 'http://127.0.0.1:3333',
    };
    expect(resolveConnection({}, env)).toMatchObject({
      endpoint: 'http://127.0.0.1:2222',
      accessKeyId: 'LTAIprofile',
    });
    expect(resolveConnection({ endpoint: '127.0.0.1:4444' }, env).endpoint).toBe(
      'http://127.0.0.1:4444',
    );
  });

  it('never sends the profile token with a key that came from elsewhere', () => {
    const HOME = homeWith(saved);
    const c = resolveConnection(
      {},
      { HOME, ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAIenv', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'es' },
    );
    expect(c).toMatchObject({ accessKeyId: 'LTAIenv', accessKeySecret: 'es' });
    expect(c.securityToken).toBeUndefined();
  });

  it('names every way to configure what is missing', () => {
    const HOME = mkdtempSync(path.join(tmpdir(), 'opentrail-profile-'));
    expect(() => resolveConnection({}, { HOME })).toThrow(
      /no endpoint: pass --endpoint, set OPENTRAIL_ENDPOINT, or run opentrail configure/,
    );
    expect(() => resolveConnection({ endpoint: 'http://h' }, { HOME })).toThrow(/no AccessKey/);
    expect(() => resolveConnection({ profile: 'x' }, { HOME })).toThrow(/no profile "x"/);
  });
});
