/**
 * Signs requests with the SDK packages installed right now and verifies them, so a dependency
 * upgrade that changes signing shows up here even before the fixtures are re-recorded.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type CaptureServer,
  fixtureToRawRequest,
  RECORD_CASES,
  recordRequests,
  sdkVariants,
  startCaptureServer,
} from '../../../scripts/record-sdk-requests.js';
import {
  checkTimestamp,
  DEFAULT_MAX_SKEW_MS,
  parseSignedRequest,
  verifySignature,
} from './index.js';

let server: CaptureServer;
beforeAll(async () => {
  server = await startCaptureServer();
});
afterAll(async () => {
  await server.close();
});

it('verifies pop-core GET and openapi-client V3 POST requests signed now (plain, STS, special)', async () => {
  const wanted = [
    'pop-core GET',
    'openapi-client callApi (default)',
    'openapi-client callApi form body',
  ];
  const variants = sdkVariants().filter((v) => wanted.includes(v.name));
  expect(variants).toHaveLength(wanted.length);
  const lines = await recordRequests(server, variants, RECORD_CASES);
  expect(lines).toHaveLength(wanted.length * RECORD_CASES.length);
  for (const line of lines) {
    const parsed = parseSignedRequest(fixtureToRawRequest(line));
    if (!parsed.ok) throw new Error(`${line.label}: ${parsed.code} ${parsed.message}`);
    expect(parsed.scheme, line.label).toBe(line.scheme);
    expect(checkTimestamp(parsed.timestamp, Date.now(), DEFAULT_MAX_SKEW_MS)).toBeUndefined();
    expect(verifySignature(parsed, line.accessKeySecret), line.label).toBeUndefined();
    expect(parsed.params, line.label).toEqual(line.sdkParams);
    expect(parsed.securityToken, line.label).toBe(line.securityToken ?? undefined);
  }
});
