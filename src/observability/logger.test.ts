import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger('info', stream) };
}

describe('createLogger', () => {
  it('never writes a secret-named value, however deep it is logged, and leaves the logged object alone', () => {
    const { lines, logger } = capture();
    const config = {
      delivery: { sls: { accessKeyId: 'LTAIsls', accessKeySecret: 'sls-secret-value' } },
      oss: { accessKeySecret: 'oss-secret-value' },
    };
    const request = {
      headers: { Authorization: 'ACS3-HMAC-SHA256 Credential=x', 'x-acs-security-token': 'tok' },
    };
    logger.info({ config, request, secret: 'top-secret', key: { securityToken: 'sts-token' } });
    const err = Object.assign(new Error('upload failed'), { secretAccessKey: 'aws-secret' });
    logger.error({ err }, 'failed');
    const text = lines.join('');
    for (const secret of [
      'sls-secret-value',
      'oss-secret-value',
      'ACS3-HMAC',
      'tok"',
      'top-secret',
      'sts-token',
      'aws-secret',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('LTAIsls');
    expect(text).toContain('upload failed');
    expect(JSON.parse(lines[1] ?? '{}').err.stack).toContain('upload failed');
    expect(config.delivery.sls.accessKeySecret).toBe('sls-secret-value');
    expect(err.secretAccessKey).toBe('aws-secret');
  });

  it('writes an ordinary request line unchanged', () => {
    const { lines, logger } = capture();
    logger.info({ requestId: 'R1', action: 'DescribeTrails', status: 200, ms: 1.5 }, 'rpc');
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      service: 'opentrail',
      requestId: 'R1',
      action: 'DescribeTrails',
      status: 200,
      ms: 1.5,
      msg: 'rpc',
    });
  });
});
