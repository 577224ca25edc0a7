import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.js';

describe('delivery.sls configuration', () => {
  it('has no credentials by default, lz4, event time and a permanent TTL', () => {
    const sls = loadConfig({ env: {} }).delivery.sls;
    expect(sls).toEqual({ compression: 'lz4', logTime: 'event', logstoreTtlDays: 3650 });
  });

  it('reads every OPENTRAIL_SLS_* variable', () => {
    const sls = loadConfig({
      env: {
        OPENTRAIL_SLS_ENDPOINT: 'http://127.0.0.1:9000',
        OPENTRAIL_SLS_ACCESS_KEY_ID: 'ak',
        OPENTRAIL_SLS_ACCESS_KEY_SECRET: 'sk',
        OPENTRAIL_SLS_SECURITY_TOKEN: 'tok',
        OPENTRAIL_SLS_COMPRESSION: 'deflate',
        OPENTRAIL_SLS_LOG_TIME: 'delivery',
        OPENTRAIL_SLS_LOGSTORE_TTL_DAYS: '30',
      },
    }).delivery.sls;
    expect(sls).toEqual({
      endpoint: 'http://127.0.0.1:9000',
      accessKeyId: 'ak',
      accessKeySecret: 'sk',
      securityToken: 'tok',
      compression: 'deflate',
      logTime: 'delivery',
      logstoreTtlDays: 30,
    });
  });

  it('takes the file keys, with env over file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ot-config-'));
    const file = path.join(dir, 'opentrail.json');
    writeFileSync(
      file,
      JSON.stringify({
        delivery: { sls: { accessKeyId: 'a', accessKeySecret: 's', compression: 'none' } },
      }),
    );
    const sls = loadConfig({ file, env: { OPENTRAIL_SLS_COMPRESSION: 'lz4' } }).delivery.sls;
    expect(sls).toMatchObject({ accessKeyId: 'a', accessKeySecret: 's', compression: 'lz4' });
  });

  it('names the bad key, and never echoes the secret', () => {
    expect(() => loadConfig({ env: { OPENTRAIL_SLS_COMPRESSION: 'zstd' } })).toThrow(
      /delivery\.sls\.compression \(OPENTRAIL_SLS_COMPRESSION\)/,
    );
    expect(() => loadConfig({ env: { OPENTRAIL_SLS_ENDPOINT: 'ftp://x' } })).toThrow(
      /OPENTRAIL_SLS_ENDPOINT/,
    );
    expect(() => loadConfig({ env: { OPENTRAIL_SLS_LOGSTORE_TTL_DAYS: '4000' } })).toThrow(
      /logstoreTtlDays/,
    );
    let message = '';
    try {
      loadConfig({ env: { OPENTRAIL_SLS_ACCESS_KEY_SECRET: 'very-secret-value' } });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/OPENTRAIL_SLS_ACCESS_KEY_ID/);
    expect(message).not.toContain('very-secret-value');
  });
});
