/**
 * Replays requests recorded from the official SDKs (scripts/record-sdk-requests.ts): each must
 * verify as sent, and each copy with one thing changed must fail with the exact error.
 */
import { describe, expect, it } from 'vitest';
import {
  type FixtureLine,
  fixtureToRawRequest,
  readFixtureLines,
} from '../../../scripts/record-sdk-requests.js';
import {
  checkTimestamp,
  DEFAULT_MAX_SKEW_MS,
  decodeFormComponent,
  type ParsedSignature,
  parseSignedRequest,
  percentEncode,
  type RawRequest,
  type SignatureFailure,
  v3HashHex,
  verifySignature,
} from './index.js';

const MINUTE = 60_000;
const lines = readFixtureLines();

/** Parse → timestamp → signature, as the gateway chains them; the first failure wins. */
function run(req: RawRequest, line: FixtureLine, opts: { nowMs?: number; secret?: string } = {}) {
  const parsed = parseSignedRequest(req);
  if (!parsed.ok) return parsed;
  const nowMs = opts.nowMs ?? line.capturedAtMs;
  return (
    checkTimestamp(parsed.timestamp, nowMs, DEFAULT_MAX_SKEW_MS) ??
    verifySignature(parsed, opts.secret ?? line.accessKeySecret) ??
    parsed
  );
}

function failure(result: ParsedSignature | SignatureFailure): SignatureFailure {
  if (result.ok) throw new Error('expected a failure, got success');
  return result;
}

type Part = 'url' | 'body';

function pairsOf(req: RawRequest, part: Part): { prefix: string; pairs: string[] } {
  if (part === 'body') return { prefix: '', pairs: req.body.toString('utf8').split('&') };
  const q = req.url.indexOf('?');
  if (q < 0) return { prefix: req.url, pairs: [] };
  return { prefix: req.url.slice(0, q), pairs: req.url.slice(q + 1).split('&') };
}

const nameOf = (pair: string) => decodeFormComponent(pair.split('=')[0] ?? '');

/** Where a parameter sits on the wire: the query or the form body. */
function locate(req: RawRequest, name: string): Part {
  for (const part of ['url', 'body'] as const) {
    if (pairsOf(req, part).pairs.some((p) => nameOf(p) === name)) return part;
  }
  throw new Error(`parameter ${name} not on the wire`);
}

/** Rewrites (or with `undefined`, removes) one wire parameter, wherever the SDK put it. */
function editParam(req: RawRequest, name: string, value: string | undefined): RawRequest {
  const part = locate(req, name);
  const { prefix, pairs } = pairsOf(req, part);
  const edited = pairs.flatMap((p) =>
    nameOf(p) !== name
      ? [p]
      : value === undefined
        ? []
        : [`${p.split('=')[0]}=${percentEncode(value)}`],
  );
  if (part === 'body') return { ...req, body: Buffer.from(edited.join('&'), 'utf8') };
  return { ...req, url: `${prefix}?${edited.join('&')}` };
}

/** What a smarter attacker does after editing a V3 body: also fix the (signed) content hash. */
function withMatchingContentHash(req: RawRequest, line: FixtureLine): RawRequest {
  const algorithm = line.label.includes('SM3') ? 'ACS3-HMAC-SM3' : 'ACS3-HMAC-SHA256';
  const headers = { ...req.headers, 'x-acs-content-sha256': v3HashHex(algorithm, req.body) };
  return { ...req, headers };
}

const V3_MISMATCH =
  /^Specified signature does not match our calculation\. server StringToSign is \[ACS3-HMAC-(SHA256|SM3)\n[0-9a-f]{64}\]$/;
const V1_MISMATCH_PREFIX =
  'Specified signature is not matched with our calculation. server string to sign is:';

it('has recorded every variant for plain, STS and special-character cases', () => {
  expect(lines.length).toBeGreaterThanOrEqual(27);
  for (const label of ['plain: pop-core GET', 'sts: openapi-client callApi (default)']) {
    expect(lines.map((l) => l.label)).toContain(label);
  }
  expect(new Set(lines.map((l) => `${l.scheme} ${l.method}`))).toEqual(
    new Set(['v1 GET', 'v1 POST', 'v3 GET', 'v3 POST']),
  );
});

describe.each(lines)('$label', (line) => {
  const fresh = () => fixtureToRawRequest(line);

  it('accepts the request as the SDK signed it and parses it correctly', () => {
    const result = run(fresh(), line);
    expect(result).toMatchObject({ ok: true, scheme: line.scheme });
    const parsed = result as ParsedSignature;
    expect(parsed.accessKeyId).toBe(line.accessKeyId);
    expect(parsed.securityToken).toBe(line.securityToken ?? undefined);
    expect(parsed.action).toBe('ListDeliveryHistoryJobs');
    expect(parsed.version).toBe('2020-07-06');
    expect(parsed.params).toEqual(line.sdkParams);
    expect(parsed.params.PageSize).toBe('20');
    if (line.label.startsWith('special')) {
      expect(parsed.params.Name).toBe('a b+c*d~e!f(g)h中/?&=#%é');
      expect(parsed.params.Empty).toBe('');
      expect(parsed.params['Tag.1.Value']).toBe('生产 prod');
    }
    expect(parsed.nonce).toMatch(/^[0-9a-f]{32,64}$/);
    expect(parsed.algorithm).toBe(
      line.scheme === 'v1'
        ? 'HMAC-SHA1'
        : line.label.includes('SM3')
          ? 'ACS3-HMAC-SM3'
          : 'ACS3-HMAC-SHA256',
    );
  });

  it('rejects a changed business parameter with the server string-to-sign', () => {
    let req = editParam(fresh(), 'PageSize', '21');
    if (line.scheme === 'v3' && locate(req, 'PageSize') === 'body')
      req = withMatchingContentHash(req, line);
    const f = failure(run(req, line));
    expect(f.code).toBe('SignatureDoesNotMatch');
    if (line.scheme === 'v1') {
      expect(f.message.startsWith(V1_MISMATCH_PREFIX)).toBe(true);
      expect(f.message).toContain(`&%2F&`);
      expect(f.message).toContain('PageSize%3D21');
    } else {
      expect(f.message).toMatch(V3_MISMATCH);
    }
  });

  it('rejects an injected query parameter and a wrong secret', () => {
    const req = fresh();
    req.url += `${req.url.includes('?') ? '&' : '?'}Injected=1`;
    expect(failure(run(req, line)).code).toBe('SignatureDoesNotMatch');
    expect(failure(run(fresh(), line, { secret: 'wrongsecret' })).code).toBe(
      'SignatureDoesNotMatch',
    );
  });

  it('enforces the 15-minute clock window', () => {
    for (const skew of [16 * MINUTE, -16 * MINUTE]) {
      const f = failure(run(fresh(), line, { nowMs: line.capturedAtMs + skew }));
      expect(f.code).toBe('InvalidTimeStamp.Expired');
    }
    expect(run(fresh(), line, { nowMs: line.capturedAtMs + 14 * MINUTE }).ok).toBe(true);
    expect(run(fresh(), line, { nowMs: line.capturedAtMs - 14 * MINUTE }).ok).toBe(true);
  });

  if (line.scheme === 'v1') {
    it('rejects a garbled Timestamp, a changed Action and bad signature parameters', () => {
      const garbled = editParam(fresh(), 'Timestamp', '2026-11-25 13:45:41');
      expect(failure(run(garbled, line)).code).toBe('InvalidTimeStamp.Format');
      const action = editParam(fresh(), 'Action', 'DeleteTrail');
      expect(failure(run(action, line)).code).toBe('SignatureDoesNotMatch');
      expect(failure(run(editParam(fresh(), 'SignatureNonce', undefined), line))).toMatchObject({
        code: 'MissingParameter',
        parameter: 'SignatureNonce',
      });
      expect(
        failure(run(editParam(fresh(), 'SignatureMethod', 'HMAC-SHA256'), line)),
      ).toMatchObject({ code: 'InvalidParameter', parameter: 'SignatureMethod' });
      expect(failure(run(editParam(fresh(), 'SignatureVersion', '2.0'), line))).toMatchObject({
        code: 'InvalidParameter',
        parameter: 'SignatureVersion',
      });
    });
  } else {
    it('rejects a garbled x-acs-date, a changed x-acs-action and unsigned or garbled headers', () => {
      const garbled = fresh();
      garbled.headers['x-acs-date'] = 'yesterday';
      expect(failure(run(garbled, line)).code).toBe('InvalidTimeStamp.Format');
      const action = fresh();
      action.headers['x-acs-action'] = 'DeleteTrail';
      expect(failure(run(action, line)).message).toMatch(V3_MISMATCH);
      const extra = fresh();
      extra.headers['x-acs-foo'] = 'bar';
      expect(failure(run(extra, line))).toMatchObject({ code: 'IncompleteSignature' });
      expect(failure(run(extra, line)).message).toContain('x-acs-foo');
      const auth = fresh();
      auth.headers.authorization = String(auth.headers.authorization).replace(
        'SignedHeaders=',
        'Signed=',
      );
      expect(failure(run(auth, line)).code).toBe('IncompleteSignature');
      const noDate = fresh();
      delete noDate.headers['x-acs-date'];
      expect(failure(run(noDate, line))).toMatchObject({
        code: 'MissingParameter',
        parameter: 'x-acs-date',
      });
    });
  }

  if (line.scheme === 'v3' && line.bodyBase64 !== '') {
    it('rejects a changed body byte (content hash) even though the header is signed', () => {
      const req = fresh();
      req.body = Buffer.from(req.body);
      req.body[0] = (req.body[0] as number) ^ 1;
      const f = failure(run(req, line));
      expect(f.code).toBe('SignatureDoesNotMatch');
      expect(f.message).toContain('content hash does not match');
    });
  }

  if (line.securityToken !== null) {
    it('rejects a changed or removed STS token', () => {
      const changed = fresh();
      const removed = fresh();
      if (line.scheme === 'v3') {
        changed.headers['x-acs-security-token'] = 'CAIS+sts/other==';
        delete removed.headers['x-acs-security-token'];
      }
      const tamper = (req: RawRequest, value: string | undefined) =>
        line.scheme === 'v1' ? editParam(req, 'SecurityToken', value) : req;
      expect(failure(run(tamper(changed, 'CAIS+sts/other=='), line)).code).toBe(
        'SignatureDoesNotMatch',
      );
      expect(failure(run(tamper(removed, undefined), line)).code).toBe('SignatureDoesNotMatch');
    });
  }
});
