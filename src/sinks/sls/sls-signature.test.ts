import { describe, expect, it } from 'vitest';
import { authorization, contentMd5, stringToSign } from './sls-signature.js';

// A PutLogs request captured from the official writers (delivery-sinks §3.2/§3.3), whose
// signature the reference capture server recomputed with the secret `test-secret`.
const captured = {
  method: 'POST',
  path: '/logstores/actiontrail_mytrail/shards/lb',
  headers: {
    'content-type': 'application/x-protobuf',
    'content-md5': '809EA11F4E06A7FC3FFE320481351485',
    'content-length': '422',
    date: 'Tue, 24 Nov 2026 01:05:08 GMT',
    host: 'myproject.127.0.0.1:18080',
    'x-log-apiversion': '0.6.0',
    'x-log-bodyrawsize': '735',
    'x-log-compresstype': 'deflate',
    'x-log-signaturemethod': 'hmac-sha1',
  },
};

describe('SLS v1 signature', () => {
  it('builds the captured string-to-sign: x-log headers sorted, Host and length unsigned', () => {
    expect(stringToSign(captured)).toBe(
      [
        'POST',
        '809EA11F4E06A7FC3FFE320481351485',
        'application/x-protobuf',
        'Tue, 24 Nov 2026 01:05:08 GMT',
        'x-log-apiversion:0.6.0',
        'x-log-bodyrawsize:735',
        'x-log-compresstype:deflate',
        'x-log-signaturemethod:hmac-sha1',
        '/logstores/actiontrail_mytrail/shards/lb',
      ].join('\n'),
    );
  });

  it('reproduces the captured Authorization header', () => {
    expect(authorization('test-ak', 'test-secret', captured)).toBe(
      'LOG test-ak:lz24ZGtKJyWPEM3TV6XrcCxx3IY=',
    );
  });

  it('signs the STS token header and a sorted, unencoded query', () => {
    const text = stringToSign({
      method: 'GET',
      path: '/logstores/ls',
      headers: { date: 'D', 'x-acs-security-token': ' tok ', 'x-log-apiversion': '0.6.0' },
      query: { type: 'log', from: '1', query: 'event.eventName: A' },
    });
    expect(text).toBe(
      'GET\n\n\nD\nx-acs-security-token:tok\nx-log-apiversion:0.6.0\n/logstores/ls?from=1&query=event.eventName: A&type=log',
    );
  });

  it('writes Content-MD5 as upper-case hex', () => {
    expect(contentMd5(Buffer.from('abc'))).toBe('900150983CD24FB0D6963F7D28E17F72');
  });
});
