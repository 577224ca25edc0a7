/**
 * Replays test/fixtures/reference-captures.jsonl: 45 requests captured by the protocol research
 * (openapi-protocol.md) from pop-core, openapi-client, openapi-core and @alicloud/sts20150401 —
 * SDKs that are not all installed here, so this widens coverage beyond our own recordings.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  COMMON_PARAMETER_NAMES,
  checkTimestamp,
  DEFAULT_MAX_SKEW_MS,
  type HeaderBag,
  parseSignedRequest,
  type RawRequest,
  verifySignature,
} from './index.js';

interface ReferenceCapture {
  label: string;
  mode: string;
  at: string;
  method: string;
  url: string;
  rawHeaders: string[];
  body: string;
  verify: { ok: boolean; scheme?: string; params?: Record<string, string> };
}

const captures = readFileSync(
  new URL('../../../test/fixtures/reference-captures.jsonl', import.meta.url),
  'utf8',
)
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as ReferenceCapture)
  .filter((c) => c.verify.ok);

/** Node's header folding: lower-case names, repeated headers joined with ", ". */
function toRawRequest(c: ReferenceCapture): RawRequest {
  const headers: HeaderBag = {};
  for (let i = 0; i + 1 < c.rawHeaders.length; i += 2) {
    const name = (c.rawHeaders[i] as string).toLowerCase();
    const value = c.rawHeaders[i + 1] as string;
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { method: c.method, url: c.url, headers, body: Buffer.from(c.body, 'utf8') };
}

it('has the reference captures', () => {
  expect(captures.length).toBeGreaterThanOrEqual(40);
});

describe.each(captures)('$label', (c) => {
  it('verifies with testid/testsecret at its capture time and parses the same params', () => {
    const parsed = parseSignedRequest(toRawRequest(c));
    if (!parsed.ok) throw new Error(`${parsed.code}: ${parsed.message}`);
    expect(parsed.accessKeyId).toBe('testid');
    expect(parsed.scheme).toBe(c.verify.scheme);
    expect(checkTimestamp(parsed.timestamp, Date.parse(c.at), DEFAULT_MAX_SKEW_MS)).toBeUndefined();
    expect(verifySignature(parsed, 'testsecret')).toBeUndefined();
    expect(verifySignature(parsed, 'testsecreT')?.code).toBe('SignatureDoesNotMatch');
    // The reference verifier kept Action/Version/Format in params; this module removes them.
    const expected = { ...c.verify.params };
    for (const name of COMMON_PARAMETER_NAMES) delete expected[name];
    expect(parsed.params).toEqual(expected);
  });
});
