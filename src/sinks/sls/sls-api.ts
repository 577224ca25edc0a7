import { isSinkError } from '../sink.js';
import type { SlsClient } from './sls-client.js';
import type { SlsCompression } from './sls-compression.js';

/** The SLS calls opentrail makes, each a thin wrapper over `SlsClient.request`. */

export interface PutLogsBody {
  /** The bytes sent (compressed unless `compression` is `none`). */
  body: Buffer;
  /** Length of the protobuf LogGroup before compression (`x-log-bodyrawsize`). */
  rawSize: number;
  compression: SlsCompression;
}

/** PutLogs (`PostLogStoreLogs`), load-balance mode; resolves with SLS's request id on 200. */
export async function putLogs(
  client: SlsClient,
  project: string,
  logstore: string,
  put: PutLogsBody,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const headers: Record<string, string> = {
    'content-type': 'application/x-protobuf',
    'x-log-bodyrawsize': String(put.rawSize),
  };
  if (put.compression !== 'none') headers['x-log-compresstype'] = put.compression;
  const res = await client.request({
    method: 'POST',
    project,
    path: `/logstores/${logstore}/shards/lb`,
    body: put.body,
    headers,
    signal,
  });
  const id = res.headers['x-log-requestid'];
  return Array.isArray(id) ? id[0] : id;
}

export interface SlsProject {
  projectName?: string;
  region?: string;
  status?: string;
}

export function getProject(client: SlsClient, project: string): Promise<SlsProject | undefined> {
  return client.requestJson<SlsProject>({ method: 'GET', project, path: '/' });
}

/** Resolves `undefined` when SLS answers `code` (the resource is missing), throws otherwise. */
async function unlessCode<T>(code: string, call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (e) {
    if (isSinkError(e) && e.details.code === code) return undefined;
    throw e;
  }
}

export interface SlsLogStore {
  logstoreName: string;
  ttl?: number;
  shardCount?: number;
}

/** GetLogStore: false when SLS answers `LogStoreNotExist`. */
export async function logStoreExists(
  client: SlsClient,
  project: string,
  logstore: string,
): Promise<boolean> {
  const found = await unlessCode(
    'LogStoreNotExist',
    client.request({ method: 'GET', project, path: `/logstores/${logstore}` }),
  );
  return found !== undefined;
}

/** CreateLogStore; an existing logstore (`LogStoreAlreadyExist`) counts as success. */
export async function createLogStore(
  client: SlsClient,
  project: string,
  store: Required<SlsLogStore>,
): Promise<void> {
  const body = Buffer.from(JSON.stringify(store));
  await unlessCode(
    'LogStoreAlreadyExist',
    client.request({
      method: 'POST',
      project,
      path: '/logstores',
      body,
      headers: { 'content-type': 'application/json', 'x-log-bodyrawsize': String(body.length) },
    }),
  );
}

/** GetIndex: false when the logstore has no index (`IndexConfigNotExist`). */
export async function indexExists(
  client: SlsClient,
  project: string,
  logstore: string,
): Promise<boolean> {
  const found = await unlessCode(
    'IndexConfigNotExist',
    client.request({ method: 'GET', project, path: `/logstores/${logstore}/index` }),
  );
  return found !== undefined;
}

/** CreateIndex; an existing index (`IndexAlreadyExist`) counts as success. */
export async function createIndex(
  client: SlsClient,
  project: string,
  logstore: string,
  index: unknown,
): Promise<void> {
  const body = Buffer.from(JSON.stringify(index));
  await unlessCode(
    'IndexAlreadyExist',
    client.request({
      method: 'POST',
      project,
      path: `/logstores/${logstore}/index`,
      body,
      headers: { 'content-type': 'application/json', 'x-log-bodyrawsize': String(body.length) },
    }),
  );
}

/** One log as GetLogs returns it: `__time__`, `__topic__`, `__source__` and the contents. */
export type SlsQueriedLog = Record<string, string | number>;

export interface GetLogsQuery {
  /** Epoch seconds, inclusive. */
  from: number;
  /** Epoch seconds, exclusive. */
  to: number;
  /** `key: value` filters joined by `and`; empty for all. */
  query?: string;
  line?: number;
  offset?: number;
}

/** GetLogs (`GET /logstores/<ls>?type=log&from=&to=&query=`). */
export async function getLogs(
  client: SlsClient,
  project: string,
  logstore: string,
  q: GetLogsQuery,
): Promise<SlsQueriedLog[]> {
  const query: Record<string, string> = {
    type: 'log',
    from: String(q.from),
    to: String(q.to),
    ...(q.query ? { query: q.query } : {}),
    ...(q.line !== undefined ? { line: String(q.line) } : {}),
    ...(q.offset !== undefined ? { offset: String(q.offset) } : {}),
  };
  const logs = await client.requestJson<SlsQueriedLog[]>({
    method: 'GET',
    project,
    path: `/logstores/${logstore}`,
    query,
  });
  return logs ?? [];
}
