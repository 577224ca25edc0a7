import { appendFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * What `opentrail dev sls` keeps, under its data directory:
 *
 *   <dir>/<project>/<logstore>/logstore.json   CreateLogStore's body (name, ttl, shardCount)
 *   <dir>/<project>/<logstore>/index.json      CreateIndex's body
 *   <dir>/<project>/<logstore>/logs.ndjson     one line per log, as GetLogs returns it:
 *                                              {"__time__":…,"__topic__":…,"__source__":…,<contents>}
 *
 * Names are checked against SLS's rules before they become paths.
 */
export type StoredLog = Record<string, string | number>;

export const PROJECT_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
export const LOGSTORE_NAME = /^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$/;

export class DevSlsStore {
  /** Appends per logstore run one after another, so lines never interleave. */
  private readonly appends = new Map<string, Promise<void>>();

  constructor(private readonly dir: string) {}

  private logstoreDir(project: string, logstore: string): string {
    return path.join(this.dir, project, logstore);
  }

  async getLogStore(project: string, logstore: string): Promise<unknown | undefined> {
    return readJson(path.join(this.logstoreDir(project, logstore), 'logstore.json'));
  }

  async listLogStores(project: string): Promise<string[]> {
    try {
      return (await readdir(path.join(this.dir, project))).sort();
    } catch {
      return [];
    }
  }

  /** False when it already exists. */
  async createLogStore(project: string, logstore: string, meta: unknown): Promise<boolean> {
    const dir = this.logstoreDir(project, logstore);
    await mkdir(dir, { recursive: true });
    try {
      await writeFile(path.join(dir, 'logstore.json'), JSON.stringify(meta), { flag: 'wx' });
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
  }

  async getIndex(project: string, logstore: string): Promise<unknown | undefined> {
    return readJson(path.join(this.logstoreDir(project, logstore), 'index.json'));
  }

  /** False when it already exists. */
  async createIndex(project: string, logstore: string, index: unknown): Promise<boolean> {
    try {
      const file = path.join(this.logstoreDir(project, logstore), 'index.json');
      await writeFile(file, JSON.stringify(index), { flag: 'wx' });
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
  }

  append(project: string, logstore: string, logs: readonly StoredLog[]): Promise<void> {
    const file = path.join(this.logstoreDir(project, logstore), 'logs.ndjson');
    const text = logs.map((l) => `${JSON.stringify(l)}\n`).join('');
    const previous = this.appends.get(file) ?? Promise.resolve();
    const next = previous.then(() => appendFile(file, text));
    this.appends.set(
      file,
      next.catch(() => undefined),
    );
    return next;
  }

  async readLogs(project: string, logstore: string): Promise<StoredLog[]> {
    let text: string;
    try {
      text = await readFile(path.join(this.logstoreDir(project, logstore), 'logs.ndjson'), 'utf8');
    } catch {
      return [];
    }
    return text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as StoredLog);
  }
}

async function readJson(file: string): Promise<unknown | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * GetLogs' `query`, the simple subset: `key: value` terms joined by `and`; `*` alone (or
 * nothing) matches every log. A key names a log field (`__topic__`, `event`) or a path into a
 * JSON field (`event.eventName`, `event.userIdentity.type`); the value matches exactly, or any
 * value when it is `*`. Quotes around the value are dropped.
 */
export function matchesQuery(log: StoredLog, query: string | undefined): boolean {
  const q = (query ?? '').trim();
  if (q === '' || q === '*') return true;
  return q.split(/\s+and\s+/i).every((term) => {
    const m = /^([^:]+):\s*(.*)$/.exec(term.trim());
    if (!m) return false;
    const key = (m[1] as string).trim();
    const value = (m[2] as string).trim().replace(/^"(.*)"$/, '$1');
    const actual = fieldValue(log, key);
    return actual !== undefined && (value === '*' || String(actual) === value);
  });
}

function fieldValue(log: StoredLog, key: string): unknown {
  if (key in log) return log[key];
  const [field, ...rest] = key.split('.');
  const text = field === undefined ? undefined : log[field];
  if (typeof text !== 'string' || rest.length === 0) return undefined;
  let node: unknown;
  try {
    node = JSON.parse(text);
  } catch {
    return undefined;
  }
  for (const part of rest) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node !== null && typeof node === 'object' ? JSON.stringify(node) : node;
}
