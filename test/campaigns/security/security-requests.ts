import { buildIngestRequest } from '../../../src/api/ingest/ingest-client.js';
import { buildV1Request, buildV3Request } from '../../../src/api/signature/client-signers.js';
import type { RawRequest } from '../../../src/api/signature/types.js';
import { injectRaw } from '../../helpers/raw-requests.js';
import type { TestApp } from '../../helpers/test-app.js';

export interface Key {
  accountId: string;
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string | undefined;
}

export interface Answer {
  status: number;
  text: string;
  body: Record<string, unknown>;
}

/** Every answer the campaign received: their bodies must never hold a secret or token. */
export const answers: Answer[] = [];

export async function inject(app: TestApp, req: RawRequest): Promise<Answer> {
  const { status, text } = await injectRaw(app.app, req);
  const answer = { status, text, body: JSON.parse(text) as Record<string, unknown> };
  answers.push(answer);
  return answer;
}

/** An RPC call, V3 (query) by default, v1 GET with `v1`. */
export function rpc(
  app: TestApp,
  key: Key,
  action: string,
  params: Record<string, string> = {},
  options: { v1?: boolean; nowMs?: number; nonce?: string } = {},
): Promise<Answer> {
  return inject(app, signed(app, key, action, params, options));
}

export function signed(
  app: TestApp,
  key: Key,
  action: string,
  params: Record<string, string> = {},
  options: { v1?: boolean; nowMs?: number; nonce?: string } = {},
): RawRequest {
  const common = {
    ...key,
    action,
    version: '2020-07-06',
    nowMs: options.nowMs ?? Date.now(),
    host: app.host,
    ...(options.nonce ? { nonce: options.nonce } : {}),
  };
  return options.v1
    ? buildV1Request({ ...common, method: 'GET', params })
    : buildV3Request({ ...common, method: 'POST', query: params });
}

export function ingest(app: TestApp, key: Key, events: unknown[]): Promise<Answer> {
  return inject(app, buildIngestRequest({ ...key, host: app.host, events }));
}
