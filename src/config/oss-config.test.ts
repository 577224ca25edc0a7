import { describe, expect, it } from 'vitest';
import { createLogger } from '../observability/logger.js';
import { loadConfig } from './load-config.js';

describe('delivery.oss configuration', () => {
  it('has no endpoint or credentials by default and is virtual-hosted, as OSS wants', () => {
    expect(loadConfig({ env: {} }).delivery.oss).toEqual({
      forcePathStyle: false,
      requestTimeoutMs: 60_000,
    });
  });

  it('reads every OPENTRAIL_OSS_* variable', () => {
    const oss = loadConfig({
      env: {
        OPENTRAIL_OSS_ENDPOINT: 'https://s3.oss-cn-hangzhou.aliyuncs.com',
        OPENTRAIL_OSS_REGION: 'oss-cn-hangzhou',
        OPENTRAIL_OSS_ACCESS_KEY_ID: 'ak',
        OPENTRAIL_OSS_ACCESS_KEY_SECRET: 'sk',
        OPENTRAIL_OSS_FORCE_PATH_STYLE: 'true',
        OPENTRAIL_OSS_REQUEST_TIMEOUT_MS: '5000',
      },
    }).delivery.oss;
    expect(oss).toEqual({
      endpoint: 'https://s3.oss-cn-hangzhou.aliyuncs.com',
      region: 'oss-cn-hangzhou',
      accessKeyId: 'ak',
      accessKeySecret: 'sk',
      forcePathStyle: true,
      requestTimeoutMs: 5000,
    });
  });

  it('refuses half a key pair, and a key pair without an endpoint', () => {
    expect(() => loadConfig({ env: { OPENTRAIL_OSS_ACCESS_KEY_ID: 'ak' } })).toThrow(
      /OPENTRAIL_OSS_ACCESS_KEY_SECRET/,
    );
    expect(() =>
      loadConfig({
        env: { OPENTRAIL_OSS_ACCESS_KEY_ID: 'ak', OPENTRAIL_OSS_ACCESS_KEY_SECRET: 'sk' },
      }),
    ).toThrow(/OPENTRAIL_OSS_ENDPOINT/);
  });

  it('never logs the OSS secret of a logged config object', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => lines.push(line) });
    const config = loadConfig({
      env: {
        OPENTRAIL_OSS_ENDPOINT: 'http://127.0.0.1:9000',
        OPENTRAIL_OSS_ACCESS_KEY_ID: 'ak',
        OPENTRAIL_OSS_ACCESS_KEY_SECRET: 'oss-very-secret',
      },
    });
    logger.info({ config }, 'config');
    expect(lines.join('')).toContain('"accessKeyId":"ak"');
    expect(lines.join('')).not.toContain('oss-very-secret');
  });
});
