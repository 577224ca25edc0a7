import { randomUUID } from 'node:crypto';
import { formatAcsTimestamp } from '../../src/api/signature/client-signers.js';
import { signV1Params, v1FormEncode } from '../../src/api/signature/signature-v1.js';
import type { ClientKey, Target } from './sdk-clients.js';

/**
 * What the Alibaba Cloud Terraform provider sends: its `RpcPost` / `RpcGet` go through the Go
 * tea-rpc client (`conn.DoRequest`), which puts the common parameters and the `query` map in the
 * URL, the `body` map as a form body, and signs both together with the v1 signature (HMAC-SHA1,
 * `Format=json` lower-case as that client writes it). Booleans and numbers are stringified the
 * Go way (`true`, `50`).
 */
export interface TfResponse {
  status: number;
  body: Record<string, unknown>;
}

export class TerraformClient {
  readonly calls: string[] = [];

  constructor(
    private readonly target: Target,
    private readonly key: ClientKey,
  ) {}

  post(action: string, body: Record<string, unknown>, query: Record<string, unknown> = {}) {
    return this.request('POST', action, query, body);
  }

  get(action: string, query: Record<string, unknown>) {
    return this.request('GET', action, query, {});
  }

  private async request(
    method: 'GET' | 'POST',
    action: string,
    query: Record<string, unknown>,
    body: Record<string, unknown>,
  ): Promise<TfResponse> {
    this.calls.push(`${method} ${action}`);
    const common: Record<string, string> = {
      Action: action,
      Format: 'json',
      Version: '2020-07-06',
      Timestamp: formatAcsTimestamp(Date.now()),
      SignatureNonce: randomUUID(),
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      AccessKeyId: this.key.accessKeyId,
    };
    const q = { ...common, ...strings(query) };
    const b = strings(body);
    const { Signature } = signV1Params(method, { ...q, ...b }, this.key.accessKeySecret);
    const url = `${this.target.url}/?${v1FormEncode({ ...q, Signature: Signature ?? '' })}`;
    const hasBody = Object.keys(b).length > 0;
    const res = await fetch(url, {
      method,
      headers: {
        'x-acs-action': action,
        'x-acs-version': '2020-07-06',
        'user-agent': 'AlibabaCloud (linux; amd64) Go/1.22 Core/0.01 TeaDSL/1 Terraform/1.9.0',
        ...(hasBody ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(hasBody ? { body: v1FormEncode(b) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }
}

function strings(m: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(m)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => [k, String(v)]),
  );
}

/** The provider's NotFoundError for tea errors: HTTP 404, or "NotFound" in what it reports. */
export function isNotFound(r: TfResponse): boolean {
  return r.status === 404 || String(r.body.Code ?? '').includes('NotFound');
}

/** `resource.Retry`/`WaitForState`: calls `read` until `done` holds (generous bound, no timing). */
export async function waitFor<T>(
  read: () => Promise<T>,
  done: (v: T) => boolean,
  what: string,
  tries = 200,
): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await read();
    if (done(v)) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`never reached: ${what}`);
}

/** Throws with the answer when a call the provider treats as fatal fails. */
export function ok(r: TfResponse, what: string): Record<string, unknown> {
  if (r.status !== 200) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}
