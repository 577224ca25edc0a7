import { createRequire } from 'node:module';
import { expect } from 'vitest';
import {
  type ClientKey,
  callExpectingError,
  SDK_TIMEOUT_MS,
  type SdkFailure,
  type Target,
  type Variant,
} from './sdk-clients.js';

/** ActionTrail's wire time format for trails (SDK examples: `2021-03-01T06:27:28Z`). */
export const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** The same instant as it appears on the wire. */
export function wireTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** DescribeTrails' `TrailList`, checked to be an array. */
export function trailList(body: Record<string, unknown>): Array<Record<string, unknown>> {
  expect(Array.isArray(body.TrailList)).toBe(true);
  return body.TrailList as Array<Record<string, unknown>>;
}

/**
 * Calls an Action that must fail and checks what a user sees: the code always, the HTTP status
 * where the SDK surfaces it (the openapi cores; pop-core only reports the code).
 */
export async function expectFailure(
  variant: Variant,
  target: Target,
  key: ClientKey,
  action: string,
  params: Record<string, unknown>,
  expected: { code: string; status: number },
): Promise<SdkFailure> {
  const f = await callExpectingError(variant, target, key, action, params);
  expect(f.code).toBe(expected.code);
  if (variant.startsWith('openapi')) expect(f.statusCode).toBe(expected.status);
  else expect(f.data?.Code).toBe(expected.code);
  return f;
}

const require = createRequire(import.meta.url);
type PopCoreCtor = new (
  config: Record<string, unknown>,
) => {
  request(
    action: string,
    params: Record<string, unknown>,
    opts: Record<string, unknown>,
  ): Promise<Record<string, unknown>>;
};
const PopCore = require('@alicloud/pop-core') as PopCoreCtor & { RPCClient?: PopCoreCtor };

/**
 * pop-core as a user of `actiontrail.<region>.aliyuncs.com` would call it: the request goes to
 * the test server but carries that Host header, which is how opentrail picks the request's
 * region (decisions §1). The v1 signature does not cover the Host, so this is a real request.
 */
export async function callInRegion(
  region: string,
  target: Target,
  key: ClientKey,
  action: string,
  params: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const RPCClient = PopCore.RPCClient ?? PopCore;
  const client = new RPCClient({
    endpoint: target.url,
    accessKeyId: key.accessKeyId,
    accessKeySecret: key.accessKeySecret,
    apiVersion: '2020-07-06',
    opts: { timeout: SDK_TIMEOUT_MS },
  });
  return client.request(action, params, {
    method: 'POST',
    headers: { host: `actiontrail.${region}.aliyuncs.com` },
  });
}
