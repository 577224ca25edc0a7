/** Structural checks of parseSignedRequest that need no recorded traffic. */
import { describe, expect, it } from 'vitest';
import {
  buildV1Request,
  buildV3Request,
  parseSignedRequest,
  type RawRequest,
  signV1Params,
  v1FormEncode,
  verifySignature,
} from './index.js';

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const KEY = { accessKeyId: 'testid', accessKeySecret: 'testsecret' };
const LIST = { action: 'ListDeliveryHistoryJobs', version: '2020-07-06', nowMs: NOW };
const empty = Buffer.alloc(0);

function v1Get(params: Record<string, string> = { PageSize: '20' }): RawRequest {
  return buildV1Request({ ...KEY, ...LIST, method: 'GET', params });
}

function v3Post(form?: Record<string, string>): RawRequest {
  return buildV3Request({ ...KEY, ...LIST, method: 'POST', query: { PageSize: '20' }, form });
}

function dropQueryParam(req: RawRequest, name: string): RawRequest {
  const [path, query = ''] = req.url.split('?');
  const kept = query.split('&').filter((p) => !p.startsWith(`${name}=`));
  return { ...req, url: `${path}?${kept.join('&')}` };
}

describe('scheme selection', () => {
  it('asks for AccessKeyId when there are no credentials at all', () => {
    const req = { method: 'GET', url: '/?Action=X&Version=2020-07-06', headers: {}, body: empty };
    expect(parseSignedRequest(req)).toMatchObject({
      code: 'MissingParameter',
      parameter: 'AccessKeyId',
    });
  });

  it.each([
    'Bearer abc',
    'ACS4-HMAC-SHA256 Credential=testid/20261125/cn-hangzhou/actiontrail/aliyun_v4_request,SignedHeaders=host,Signature=00',
  ])('answers IncompleteSignature for another Authorization scheme: %s', (authorization) => {
    const req = { method: 'POST', url: '/', headers: { authorization, host: 'h' }, body: empty };
    expect(parseSignedRequest(req)).toMatchObject({ ok: false, code: 'IncompleteSignature' });
  });

  it.each([
    'ACS3-RSA-SHA256 Credential=testid,SignedHeaders=host,Signature=00',
    'ACS3-HMAC-SHA256',
    'ACS3-HMAC-SHA256 Credential=testid,Signature=00',
    'ACS3-HMAC-SHA256 Credential=,SignedHeaders=host,Signature=00',
    'ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;;x-acs-date,Signature=00',
    'ACS3-HMAC-SHA256 Credential=testid SignedHeaders=host Signature=00',
  ])('answers IncompleteSignature for a bad V3 Authorization: %s', (authorization) => {
    const req = v3Post();
    req.headers.authorization = authorization;
    expect(parseSignedRequest(req)).toMatchObject({ ok: false, code: 'IncompleteSignature' });
  });

  it('lets an ACS3 Authorization win over v1 parameters', () => {
    const req = v3Post();
    req.url += '&AccessKeyId=other&Signature=x';
    expect(parseSignedRequest(req)).toMatchObject({
      ok: true,
      scheme: 'v3',
      accessKeyId: 'testid',
    });
  });
});

describe('v1 required parameters', () => {
  it.each([
    'AccessKeyId',
    'Signature',
    'SignatureMethod',
    'SignatureVersion',
    'SignatureNonce',
    'Timestamp',
    'Action',
    'Version',
  ])('names a missing %s', (name) => {
    // Dropping AccessKeyId still leaves Signature, so the request is still recognised as v1.
    const req = dropQueryParam(v1Get(), name);
    expect(parseSignedRequest(req)).toMatchObject({ code: 'MissingParameter', parameter: name });
  });

  it('treats an empty required value as missing and an empty SecurityToken as none', () => {
    const req = { ...v1Get(), url: v1Get().url.replace(/SignatureNonce=[^&]*/, 'SignatureNonce=') };
    expect(parseSignedRequest(req)).toMatchObject({ parameter: 'SignatureNonce' });
    const sts = buildV1Request({ ...KEY, ...LIST, method: 'GET', securityToken: '' });
    expect(parseSignedRequest(sts)).toMatchObject({ ok: true, securityToken: undefined });
  });
});

describe('v3 required and signed headers', () => {
  it.each(['x-acs-action', 'x-acs-version', 'x-acs-date', 'x-acs-signature-nonce', 'host'])(
    'names a missing %s',
    (name) => {
      const req = v3Post();
      delete req.headers[name];
      expect(parseSignedRequest(req)).toMatchObject({ code: 'MissingParameter', parameter: name });
    },
  );

  it('requires host and, with a body, content-type to be signed', () => {
    const form = v3Post({ A: '1' });
    form.headers.authorization = String(form.headers.authorization).replace('content-type;', '');
    expect(parseSignedRequest(form)).toMatchObject({ code: 'IncompleteSignature' });
    const host = v3Post();
    host.headers.authorization = String(host.headers.authorization).replace('host;', '');
    expect(parseSignedRequest(host)).toMatchObject({ code: 'IncompleteSignature' });
  });

  it('does not require an unsigned content-type on an empty body', () => {
    const req = v3Post();
    req.headers['content-type'] = 'application/json';
    const parsed = parseSignedRequest(req);
    expect(parsed.ok && verifySignature(parsed, 'testsecret')).toBeUndefined();
  });

  it('accepts header names in any case and an upper-case hex signature', () => {
    const req = v3Post();
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [
        k.toUpperCase(),
        typeof v === 'string' ? v : '',
      ]),
    );
    headers.AUTHORIZATION = String(req.headers.authorization).replace(
      /Signature=(\w+)$/,
      (_, s: string) => `Signature=${s.toUpperCase()}`,
    );
    const parsed = parseSignedRequest({ ...req, headers });
    expect(parsed.ok && verifySignature(parsed, 'testsecret')).toBeUndefined();
  });
});

describe('parameters', () => {
  it('merges query and form body for v1, the body winning, and verifies over both', () => {
    const common = {
      AccessKeyId: 'testid',
      Action: 'ListDeliveryHistoryJobs',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: 'n1',
      SignatureVersion: '1.0',
      Timestamp: '2026-11-25T12:00:00Z',
      Version: '2020-07-06',
    };
    const signed = signV1Params(
      'POST',
      { ...common, PageSize: '50', PageNumber: '2' },
      'testsecret',
    );
    const { PageNumber: _n, ...queryPart } = signed;
    const req: RawRequest = {
      method: 'POST',
      url: `/?${v1FormEncode({ ...queryPart, PageSize: '10' })}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
      body: Buffer.from('PageSize=50&PageNumber=2'),
    };
    const parsed = parseSignedRequest(req);
    expect(parsed).toMatchObject({ ok: true, params: { PageSize: '50', PageNumber: '2' } });
    expect(parsed.ok && verifySignature(parsed, 'testsecret')).toBeUndefined();
  });

  it('merges a V3 form body into params and ignores non-form bodies', () => {
    expect(parseSignedRequest(v3Post({ PageSize: '30', Name: 'a b' }))).toMatchObject({
      params: { PageSize: '30', Name: 'a b' },
    });
    const json = v1Get();
    json.headers['content-type'] = 'application/json';
    json.body = Buffer.from('{"PageSize":"99"}');
    expect(parseSignedRequest(json)).toMatchObject({ params: { PageSize: '20' } });
  });

  it('removes common parameters and keeps odd names as plain data', () => {
    const parsed = parseSignedRequest(
      v1Get({ __proto__x: '1', ['__proto__']: 'p', constructor: 'c' }),
    );
    if (!parsed.ok) throw new Error(parsed.message);
    expect(Object.keys(parsed.params).sort()).toEqual(['__proto__', '__proto__x', 'constructor']);
    expect(Object.getPrototypeOf(parsed.params)).toBe(Object.prototype);
    expect(verifySignature(parsed, 'testsecret')).toBeUndefined();
  });

  it('never throws on malformed encoding; the signature check fails instead', () => {
    const urls = [
      '/?AccessKeyId=%zz&Signature=%E4%B8',
      '/?%=%&&=&Signature',
      '/?AccessKeyId=a%',
      '%%%?',
    ];
    for (const url of urls) {
      expect(() =>
        parseSignedRequest({ method: 'GET', url, headers: {}, body: empty }),
      ).not.toThrow();
    }
    const req = v1Get({ Name: 'x' });
    req.url = req.url.replace('Name=x', 'Name=%E4%zz');
    const parsed = parseSignedRequest(req);
    expect(parsed).toMatchObject({ ok: true, params: { Name: '\uFFFD%zz' } });
    expect(parsed.ok && verifySignature(parsed, 'testsecret')?.code).toBe('SignatureDoesNotMatch');
  });
});
