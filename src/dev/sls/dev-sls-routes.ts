import type { IncomingHttpHeaders } from 'node:http';
import { decodeLogGroup } from '../../sinks/sls/log-group.proto.js';
import { decompress } from '../../sinks/sls/sls-compression.js';
import { SLS_MAX_LOGS, SLS_MAX_RAW_BYTES } from '../../sinks/sls/sls-log-group.js';
import type { FaultPlan } from './dev-sls-faults.js';
import { type DevSlsStore, LOGSTORE_NAME, matchesQuery, type StoredLog } from './dev-sls-store.js';

/** An authenticated request for one project. */
export interface SlsCall {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: Buffer;
  project: string;
}

export class SlsAnswer {
  constructor(
    readonly status: number,
    /** JSON body; undefined sends an empty body without Content-Type (PutLogs' 200). */
    readonly json?: unknown,
    readonly headers: Record<string, string> = {},
  ) {}

  static error(
    status: number,
    code: string,
    message: string,
    headers: Record<string, string> = {},
  ) {
    return new SlsAnswer(status, { errorCode: code, errorMessage: message }, headers);
  }
}

export interface RouteDeps {
  store: DevSlsStore;
  faults: FaultPlan;
  now: () => number;
  maxLogAgeDays?: number | undefined;
  hold(ms: number): Promise<void>;
  drop(): never;
}

/** GetLogs answers at most this many logs per call, as SLS does; page with `offset`. */
const MAX_LINES = 100;

function headerValue(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

function readJsonBody(body: Buffer): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const logStoreMissing = (name: string) =>
  SlsAnswer.error(404, 'LogStoreNotExist', `logstore ${name} does not exist`);

/** The project-level and logstore-level calls: GetProject, logstores, index, PutLogs, GetLogs. */
export async function handleLogstoreCall(call: SlsCall, deps: RouteDeps): Promise<SlsAnswer> {
  const { store } = deps;
  const parts = call.path.split('/').filter(Boolean);
  const [first, logstore, third, , fifth] = parts;
  if (parts.length === 0 && call.method === 'GET') {
    return new SlsAnswer(200, { projectName: call.project, status: 'Normal', description: '' });
  }
  if (first !== 'logstores') return SlsAnswer.error(404, 'NotFound', `no route for ${call.path}`);
  if (logstore === undefined) {
    if (call.method === 'GET') {
      const logstores = await store.listLogStores(call.project);
      return new SlsAnswer(200, { count: logstores.length, total: logstores.length, logstores });
    }
    if (call.method === 'POST') return createLogStore(call, store);
  }
  if (logstore === undefined || !LOGSTORE_NAME.test(logstore)) {
    return logStoreMissing(String(logstore));
  }
  const meta = await store.getLogStore(call.project, logstore);
  if (meta === undefined) return logStoreMissing(logstore);
  if (parts.length === 2 && call.method === 'GET') {
    return call.query.type === 'log' ? getLogs(call, logstore, store) : new SlsAnswer(200, meta);
  }
  if (third === 'index' && parts.length === 3) {
    if (call.method === 'GET') {
      const index = await store.getIndex(call.project, logstore);
      return index === undefined
        ? SlsAnswer.error(404, 'IndexConfigNotExist', `index of ${logstore} does not exist`)
        : new SlsAnswer(200, index);
    }
    if (call.method === 'POST') {
      const index = readJsonBody(call.body);
      if (!index) return SlsAnswer.error(400, 'PostBodyInvalid', 'index body is not JSON');
      return (await store.createIndex(call.project, logstore, index))
        ? new SlsAnswer(200)
        : SlsAnswer.error(400, 'IndexAlreadyExist', `index of ${logstore} already exists`);
    }
  }
  if (third === 'shards' && fifth === undefined && parts[3] === 'lb' && call.method === 'POST') {
    return putLogs(call, logstore, deps);
  }
  return SlsAnswer.error(404, 'NotFound', `no route for ${call.method} ${call.path}`);
}

async function createLogStore(call: SlsCall, store: DevSlsStore): Promise<SlsAnswer> {
  const body = readJsonBody(call.body);
  const name = body?.logstoreName;
  if (typeof name !== 'string' || !LOGSTORE_NAME.test(name)) {
    return SlsAnswer.error(400, 'ParameterInvalid', `invalid logstoreName ${String(name)}`);
  }
  const meta = {
    logstoreName: name,
    ttl: typeof body?.ttl === 'number' ? body.ttl : 30,
    shardCount: typeof body?.shardCount === 'number' ? body.shardCount : 2,
  };
  return (await store.createLogStore(call.project, name, meta))
    ? new SlsAnswer(200)
    : SlsAnswer.error(400, 'LogStoreAlreadyExist', `logstore ${name} already exists`);
}

async function putLogs(call: SlsCall, logstore: string, deps: RouteDeps): Promise<SlsAnswer> {
  const fault = deps.faults.next();
  if (fault.kind === 'answer') {
    return SlsAnswer.error(fault.status, fault.code, fault.message, fault.headers);
  }
  if (fault.kind === 'drop') deps.drop();
  if (fault.kind === 'slow') await deps.hold(fault.ms);

  const rawSize = Number(headerValue(call.headers, 'x-log-bodyrawsize'));
  if (!Number.isInteger(rawSize) || rawSize < 0) {
    return SlsAnswer.error(400, 'InvalidBodyRawSize', 'x-log-bodyrawsize is missing or invalid');
  }
  if (rawSize > SLS_MAX_RAW_BYTES) {
    return SlsAnswer.error(400, 'PostBodyTooLarge', `body raw size ${rawSize} exceeds 3 MB`);
  }
  let raw: Buffer;
  try {
    raw = decompress(call.body, headerValue(call.headers, 'x-log-compresstype') ?? '', rawSize);
  } catch (e) {
    return SlsAnswer.error(400, 'PostBodyUncompressError', (e as Error).message);
  }
  let group: ReturnType<typeof decodeLogGroup>;
  try {
    group = decodeLogGroup(raw);
  } catch (e) {
    return SlsAnswer.error(400, 'PostBodyInvalid', `not a LogGroup: ${(e as Error).message}`);
  }
  if (group.logs.length > SLS_MAX_LOGS) {
    return SlsAnswer.error(400, 'PostBodyTooLarge', `${group.logs.length} logs exceed 4096`);
  }
  if (deps.maxLogAgeDays !== undefined) {
    const oldest = Math.floor(deps.now() / 1000) - deps.maxLogAgeDays * 86_400;
    const stale = group.logs.find((log) => log.time < oldest);
    if (stale) {
      return SlsAnswer.error(
        400,
        'InvalidTimestamp',
        `log time ${stale.time} is older than ${deps.maxLogAgeDays} days`,
      );
    }
  }
  const logs: StoredLog[] = group.logs.map((log) => {
    const stored: StoredLog = {
      __time__: log.time,
      __topic__: group.topic ?? '',
      __source__: group.source ?? '',
    };
    for (const [k, v] of log.contents) stored[k] = v;
    for (const [k, v] of group.tags ?? []) stored[`__tag__:${k}`] = v;
    return stored;
  });
  await deps.store.append(call.project, logstore, logs);
  return new SlsAnswer(200);
}

async function getLogs(call: SlsCall, logstore: string, store: DevSlsStore): Promise<SlsAnswer> {
  const from = Number(call.query.from);
  const to = Number(call.query.to);
  if (!Number.isFinite(from) || !Number.isFinite(to)) {
    return SlsAnswer.error(400, 'ParameterInvalid', 'from and to are required epoch seconds');
  }
  const line = Math.min(Math.max(Number(call.query.line ?? MAX_LINES) || MAX_LINES, 0), MAX_LINES);
  const offset = Math.max(Number(call.query.offset ?? 0) || 0, 0);
  const all = (await store.readLogs(call.project, logstore)).filter(
    (log) =>
      Number(log.__time__) >= from &&
      Number(log.__time__) < to &&
      matchesQuery(log, call.query.query),
  );
  const page = all.slice(offset, offset + line);
  return new SlsAnswer(200, page, {
    'x-log-count': String(page.length),
    'x-log-progress': 'Complete',
  });
}
