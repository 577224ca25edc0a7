import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type Config, configSchema } from './config.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

/** Env variable → config key path. */
const ENV_KEYS: ReadonlyArray<[string, string[], 'string' | 'list']> = [
  ['OPENTRAIL_HOST', ['host'], 'string'],
  ['OPENTRAIL_PORT', ['port'], 'string'],
  ['OPENTRAIL_DATA_DIR', ['dataDir'], 'string'],
  ['OPENTRAIL_DATABASE_URL', ['databaseUrl'], 'string'],
  ['OPENTRAIL_SQLITE_SYNCHRONOUS', ['sqliteSynchronous'], 'string'],
  ['OPENTRAIL_LOG_LEVEL', ['logLevel'], 'string'],
  ['OPENTRAIL_REGION', ['region'], 'string'],
  ['OPENTRAIL_REGIONS', ['regions'], 'list'],
  ['OPENTRAIL_RETENTION_DAYS', ['retention', 'days'], 'string'],
  ['OPENTRAIL_ACCOUNT_ID', ['bootstrap', 'accountId'], 'string'],
  ['OPENTRAIL_ACCESS_KEY_ID', ['bootstrap', 'accessKeyId'], 'string'],
  ['OPENTRAIL_ACCESS_KEY_SECRET', ['bootstrap', 'accessKeySecret'], 'string'],
  ['OPENTRAIL_DELIVERY_ROOT', ['delivery', 'root'], 'string'],
  ['OPENTRAIL_DELIVERY_WORKERS', ['delivery', 'workers'], 'string'],
  ['OPENTRAIL_DELIVERY_LIVE_FLUSH_MS', ['delivery', 'liveFlushMs'], 'string'],
  ['OPENTRAIL_DELIVERY_LIVE_FLUSH_EVENTS', ['delivery', 'liveFlushEvents'], 'string'],
  ['OPENTRAIL_DELIVERY_POLL_MS', ['delivery', 'pollMs'], 'string'],
  ['OPENTRAIL_DELIVERY_HISTORY_TO_OSS', ['delivery', 'historyToOss'], 'string'],
  ['OPENTRAIL_SLS_ENDPOINT', ['delivery', 'sls', 'endpoint'], 'string'],
  ['OPENTRAIL_SLS_ACCESS_KEY_ID', ['delivery', 'sls', 'accessKeyId'], 'string'],
  ['OPENTRAIL_SLS_ACCESS_KEY_SECRET', ['delivery', 'sls', 'accessKeySecret'], 'string'],
  ['OPENTRAIL_SLS_SECURITY_TOKEN', ['delivery', 'sls', 'securityToken'], 'string'],
  ['OPENTRAIL_SLS_COMPRESSION', ['delivery', 'sls', 'compression'], 'string'],
  ['OPENTRAIL_SLS_LOG_TIME', ['delivery', 'sls', 'logTime'], 'string'],
  ['OPENTRAIL_SLS_LOGSTORE_TTL_DAYS', ['delivery', 'sls', 'logstoreTtlDays'], 'string'],
  ['OPENTRAIL_OSS_ENDPOINT', ['delivery', 'oss', 'endpoint'], 'string'],
  ['OPENTRAIL_OSS_REGION', ['delivery', 'oss', 'region'], 'string'],
  ['OPENTRAIL_OSS_ACCESS_KEY_ID', ['delivery', 'oss', 'accessKeyId'], 'string'],
  ['OPENTRAIL_OSS_ACCESS_KEY_SECRET', ['delivery', 'oss', 'accessKeySecret'], 'string'],
  ['OPENTRAIL_OSS_FORCE_PATH_STYLE', ['delivery', 'oss', 'forcePathStyle'], 'string'],
  ['OPENTRAIL_OSS_REQUEST_TIMEOUT_MS', ['delivery', 'oss', 'requestTimeoutMs'], 'string'],
  ['OPENTRAIL_TLS_CERT', ['tls', 'cert'], 'string'],
  ['OPENTRAIL_TLS_KEY', ['tls', 'key'], 'string'],
  ['OPENTRAIL_TLS_SELF_SIGNED', ['tls', 'selfSigned'], 'string'],
  ['OPENTRAIL_CONSOLE_SESSION_TTL_SECONDS', ['console', 'sessionTtlSeconds'], 'string'],
  ['OPENTRAIL_METRICS_ENABLED', ['metrics', 'enabled'], 'string'],
  ['OPENTRAIL_METRICS_LISTEN', ['metrics', 'listen'], 'string'],
  ['OPENTRAIL_DEV', ['dev', 'enabled'], 'string'],
  ['OPENTRAIL_DEV_RATE_LIMITS', ['dev', 'rateLimits'], 'string'],
  ['OPENTRAIL_DEV_LOOKUP_EVENTS_PER_SECOND', ['dev', 'lookupEventsPerSecond'], 'string'],
  ['OPENTRAIL_TEST_CRASH_AT', ['testing', 'crashAt'], 'string'],
];

export interface LoadConfigInput {
  env?: Env;
  /** Values from command-line flags, already in config-key form (e.g. `{ port: '9000' }`). */
  flags?: Record<string, unknown>;
  /** Path of an optional JSON config file; defaults to OPENTRAIL_CONFIG. */
  file?: string;
  cwd?: string;
}

type Tree = Record<string, unknown>;

function setPath(target: Tree, keys: string[], value: unknown): void {
  let node = target;
  for (const k of keys.slice(0, -1)) {
    if (typeof node[k] !== 'object' || node[k] === null) node[k] = {};
    node = node[k] as Tree;
  }
  node[keys[keys.length - 1] as string] = value;
}

function mergeDeep(base: Tree, over: Tree): Tree {
  const out: Tree = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const prev = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && prev && typeof prev === 'object'
        ? mergeDeep(prev as Tree, v as Tree)
        : v;
  }
  return out;
}

function readConfigFile(file: string): Tree {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read config file ${file}: ${(e as Error).message}`);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new Error('the top level must be a JSON object');
    }
    return parsed as Tree;
  } catch (e) {
    throw new ConfigError(`config file ${file} is not valid JSON: ${(e as Error).message}`);
  }
}

function fromEnv(env: Env): Tree {
  const out: Tree = {};
  for (const [name, keys, kind] of ENV_KEYS) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    setPath(
      out,
      keys,
      kind === 'list'
        ? raw
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : raw,
    );
  }
  return out;
}

/**
 * Builds the configuration once: defaults ← config file ← environment ← flags. Validates it,
 * names the bad key in the error, and returns a frozen object that is passed to whoever needs it.
 */
export function loadConfig(input: LoadConfigInput = {}): Config {
  const env = input.env ?? process.env;
  const cwd = input.cwd ?? process.cwd();
  const file = input.file ?? env.OPENTRAIL_CONFIG;
  let raw: Tree = {};
  if (file) raw = mergeDeep(raw, readConfigFile(path.resolve(cwd, file)));
  raw = mergeDeep(raw, fromEnv(env));
  raw = mergeDeep(raw, input.flags ?? {});

  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const key = issue.path.join('.') || '(root)';
      const envName = ENV_KEYS.find(([, keys]) => keys.join('.') === key)?.[0];
      return `  ${key}${envName ? ` (${envName})` : ''}: ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const dataDir = path.resolve(cwd, result.data.dataDir);
  return deepFreeze({
    ...result.data,
    dataDir,
    databasePath: path.join(dataDir, 'opentrail.db'),
    deliveryRoot: path.resolve(cwd, result.data.delivery.root ?? path.join(dataDir, 'delivery')),
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
