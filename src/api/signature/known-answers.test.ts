/**
 * Known-answer vectors from outside this codebase: Alibaba's ECS documentation example, the
 * openapi-util unit tests, and the requests quoted in docs/openapi-protocol notes §2.2 and §3.3–3.5.
 */
import { describe, expect, it } from 'vitest';
import {
  checkTimestamp,
  DEFAULT_MAX_SKEW_MS,
  type ParsedSignature,
  parseSignedRequest,
  type RawRequest,
  serverCanonicalRequest,
  v1CanonicalizedQuery,
  v1Sign,
  v1StringToSign,
  v3CanonicalHeaders,
  v3CanonicalQuery,
  v3CanonicalRequest,
  v3Sign,
  v3StringToSign,
  verifySignature,
} from './index.js';

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

function parsedOk(req: RawRequest): ParsedSignature {
  const parsed = parseSignedRequest(req);
  if (!parsed.ok) throw new Error(`${parsed.code}: ${parsed.message}`);
  return parsed;
}

describe('v1 (HMAC-SHA1)', () => {
  it('reproduces the ECS documentation example (DescribeRegions, testid/testsecret)', () => {
    const params = {
      Timestamp: '2016-02-23T12:46:24Z',
      Format: 'XML',
      AccessKeyId: 'testid',
      Action: 'DescribeRegions',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
      Version: '2014-05-26',
      SignatureVersion: '1.0',
    };
    const stringToSign = v1StringToSign('GET', params);
    expect(stringToSign).toBe(
      'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26',
    );
    expect(v1Sign(stringToSign, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });

  it("matches openapi-util's getRPCSignature unit test", () => {
    // The SDK test calls getRPCSignature({test:'ok'}, '', secret): method is the empty string.
    const stringToSign = `&%2F&${encodeURIComponent(v1CanonicalizedQuery({ test: 'ok' }))}`;
    expect(v1Sign(stringToSign, 'accessKeySecret')).toBe('jHx/oHoHNrbVfhncHEvPdHXZwHU=');
  });

  it('verifies the captured pop-core GET of §2.2 and echoes its server string-to-sign', () => {
    const req: RawRequest = {
      method: 'GET',
      url: '/?AccessKeyId=testid&Action=ListDeliveryHistoryJobs&Format=JSON&PageNumber=1&PageSize=20&SignatureMethod=HMAC-SHA1&SignatureNonce=209008174aa0b25432c8f98650f1c487&SignatureVersion=1.0&Timestamp=2026-11-24T01%3A24%3A00Z&Version=2020-07-06&Signature=sq%2FAqkSuSXaGPtgNXI51t4wmnSM%3D',
      headers: { host: '127.0.0.1:8080', 'x-acs-action': 'ListDeliveryHistoryJobs' },
      body: Buffer.alloc(0),
    };
    const parsed = parsedOk(req);
    expect(
      checkTimestamp(parsed.timestamp, Date.parse('2026-11-24T01:24:00.822Z'), DEFAULT_MAX_SKEW_MS),
    ).toBeUndefined();
    expect(verifySignature(parsed, 'testsecret')).toBeUndefined();
    expect(parsed.format).toBe('JSON');
    expect(parsed.params).toEqual({ PageNumber: '1', PageSize: '20' });
    const expected =
      'GET&%2F&AccessKeyId%3Dtestid%26Action%3DListDeliveryHistoryJobs%26Format%3DJSON%26PageNumber%3D1%26PageSize%3D20%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D209008174aa0b25432c8f98650f1c487%26SignatureVersion%3D1.0%26Timestamp%3D2026-11-24T01%253A24%253A00Z%26Version%3D2020-07-06';
    expect(verifySignature(parsed, 'other')).toEqual({
      ok: false,
      code: 'SignatureDoesNotMatch',
      message: `Specified signature is not matched with our calculation. server string to sign is:${expected}`,
    });
    expect(v1Sign(expected, 'testsecret')).toBe('sq/AqkSuSXaGPtgNXI51t4wmnSM=');
  });

  it('masks the SecurityToken in the echoed string-to-sign (issue 16: no token in an answer)', () => {
    const req: RawRequest = {
      method: 'GET',
      url: '/?AccessKeyId=STS.k&Action=DescribeTrails&Format=JSON&SecurityToken=tok%2Fsecret&SignatureMethod=HMAC-SHA1&SignatureNonce=n1&SignatureVersion=1.0&Timestamp=2026-11-24T01%3A24%3A00Z&Version=2020-07-06&Signature=x',
      headers: { host: '127.0.0.1:8080' },
      body: Buffer.alloc(0),
    };
    const failure = verifySignature(parsedOk(req), 'secret');
    expect(failure?.message).toContain('%26SecurityToken%3D%252A%252A%252A%26');
    expect(failure?.message).not.toContain('tok');
  });
});

describe('V3 (ACS3-HMAC-SHA256)', () => {
  const common = {
    host: '127.0.0.1:8080',
    'x-acs-version': '2020-07-06',
    'x-acs-action': 'ListDeliveryHistoryJobs',
    'user-agent': 'AlibabaCloud (linux; x64) Node.js/v20.20.2 Core/1.0.1 TeaDSL/2',
    accept: 'application/json',
  };

  it('reproduces the openapi-core callApi capture of §3.3 (canonical request, StringToSign, 4bd2eef8…)', () => {
    const req: RawRequest = {
      method: 'POST',
      url: '/?PageSize=20&PageNumber=1',
      headers: {
        ...common,
        'x-acs-date': '2026-11-24T01:24:00Z',
        'x-acs-signature-nonce': '53b9a5293b0fcbb60cd5b67d70f39820a8e605025abd3d71d06ffabd1c4c0bea',
        'x-acs-content-sha256': EMPTY_SHA256,
        'x-acs-credentials-provider': 'static_ak',
        authorization:
          'ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=4bd2eef8df73ecaab1f704bd003f38b0b95032cc8896d7d1e44abe41825cede4',
        'content-length': '0',
      },
      body: Buffer.alloc(0),
    };
    const parsed = parsedOk(req);
    const canonical = serverCanonicalRequest(parsed);
    expect(canonical).toBe(
      [
        'POST',
        '/',
        'PageNumber=1&PageSize=20',
        'host:127.0.0.1:8080',
        'x-acs-action:ListDeliveryHistoryJobs',
        `x-acs-content-sha256:${EMPTY_SHA256}`,
        'x-acs-credentials-provider:static_ak',
        'x-acs-date:2026-11-24T01:24:00Z',
        'x-acs-signature-nonce:53b9a5293b0fcbb60cd5b67d70f39820a8e605025abd3d71d06ffabd1c4c0bea',
        'x-acs-version:2020-07-06',
        '',
        'host;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version',
        EMPTY_SHA256,
      ].join('\n'),
    );
    const stringToSign = v3StringToSign('ACS3-HMAC-SHA256', canonical ?? '');
    expect(stringToSign).toBe(
      'ACS3-HMAC-SHA256\ndf5d566d83dcbb33db58ed37a96a17d21326a312b46d3a57b6066c91857943fa',
    );
    expect(v3Sign('ACS3-HMAC-SHA256', stringToSign, 'testsecret')).toBe(
      '4bd2eef8df73ecaab1f704bd003f38b0b95032cc8896d7d1e44abe41825cede4',
    );
    expect(verifySignature(parsed, 'testsecret')).toBeUndefined();
    expect(verifySignature(parsed, 'other')?.message).toBe(
      `Specified signature does not match our calculation. server StringToSign is [${stringToSign}]`,
    );
  });

  it('verifies the STS capture of §3.4 (fabcd430…) and the form-body capture of §3.5 (dc28e934…)', () => {
    const sts = parsedOk({
      method: 'POST',
      url: '/?PageSize=20&PageNumber=1',
      headers: {
        ...common,
        'x-acs-date': '2026-11-24T01:24:34Z',
        'x-acs-signature-nonce': '05f56ebaa1ae3b3c542055ee331ba1c73bf5af92895daa6518a12eda1fbfc11c',
        'x-acs-content-sha256': EMPTY_SHA256,
        'x-acs-credentials-provider': 'static_sts',
        'x-acs-accesskey-id': 'testid',
        'x-acs-security-token': 'CAIS+sts/token==',
        authorization:
          'ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;x-acs-accesskey-id;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-security-token;x-acs-signature-nonce;x-acs-version,Signature=fabcd430e4cfdfa9aa5fd45323d918c76f64df0d731532bc20e7e6010180a0c2',
      },
      body: Buffer.alloc(0),
    });
    expect(sts.securityToken).toBe('CAIS+sts/token==');
    expect(verifySignature(sts, 'testsecret')).toBeUndefined();

    const form = parsedOk({
      method: 'POST',
      url: '/',
      headers: {
        ...common,
        'x-acs-date': '2026-11-24T01:24:00Z',
        'x-acs-signature-nonce': 'a29d3327f4275768aba88e7119d73b503bf7d14aae29a07b046361d01a8f7750',
        'content-type': 'application/x-www-form-urlencoded',
        'x-acs-content-sha256': 'c309d97775da0fd36539a59a659aeb40df0cd3a8831f826b0e9f4236f2d74ef7',
        'x-acs-credentials-provider': 'static_ak',
        authorization:
          'ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=content-type;host;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=dc28e93477c4fc4aee7182b8d6181fdf574faeb849e7134677ec99461e13c32d',
        'transfer-encoding': 'chunked',
      },
      body: Buffer.from('PageSize=20&PageNumber=1'),
    });
    expect(form.params).toEqual({ PageSize: '20', PageNumber: '1' });
    expect(verifySignature(form, 'testsecret')).toBeUndefined();
  });

  it("matches openapi-util's getAuthorization unit test (repeated header names merged)", () => {
    const canonical = [
      'GET',
      '',
      v3CanonicalQuery({ test: 'ok', empty: '' }),
      v3CanonicalHeaders({ 'x-acs-test': ['http', 'https'] }, ['x-acs-test']),
      'x-acs-test',
      '55e12e91650d2fec56ec74e1d3e4ddbfce2ef3a65890c2a19ecf88a307e76a23',
    ].join('\n');
    const signature = v3Sign(
      'ACS3-HMAC-SHA256',
      v3StringToSign('ACS3-HMAC-SHA256', canonical),
      'secret',
    );
    expect(signature).toBe('910e59dd385879346de704a06c96613f8157aa7124e6d1c4f2bdffa1e5588187');
  });

  it('puts an empty line after the headers and "/" for an empty path', () => {
    const canonical = v3CanonicalRequest({
      method: 'get',
      path: '',
      query: {},
      headers: { host: 'h' },
      signedHeaders: ['host'],
      hashedPayload: EMPTY_SHA256,
    });
    expect(canonical).toBe(`GET\n/\n\nhost:h\n\nhost\n${EMPTY_SHA256}`);
  });
});
