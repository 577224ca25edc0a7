import http from 'node:http';
import { createRequire } from 'node:module';
import type { LookupFunction } from 'node:net';

/**
 * The official `@alicloud/log` SDK, pointed at a local server. It always connects to
 * `<project>.<endpoint host>` (delivery-sinks §3.6), which no resolver here knows, so its
 * requests go through an agent whose lookup answers 127.0.0.1 for every name.
 */
export interface AlicloudLogClient {
  postLogStoreLogs(
    project: string,
    logstore: string,
    data: {
      logs: Array<{ timestamp: number; content: Record<string, string> }>;
      topic?: string;
      source?: string;
      tags?: Array<Record<string, string>>;
    },
    options?: { agent: http.Agent },
  ): Promise<unknown>;
  createLogStore(
    project: string,
    logstore: string,
    data: { ttl: number; shardCount: number },
    options?: { agent: http.Agent },
  ): Promise<unknown>;
  getLogStore(project: string, logstore: string, options?: { agent: http.Agent }): Promise<unknown>;
  getProject(project: string, options?: { agent: http.Agent }): Promise<unknown>;
  getLogs(
    project: string,
    logstore: string,
    from: Date,
    to: Date,
    data?: { query?: string },
    options?: { agent: http.Agent },
  ): Promise<Array<Record<string, string>>>;
}

const require = createRequire(import.meta.url);
const Client = require('@alicloud/log') as new (config: {
  accessKeyId: string;
  accessKeySecret: string;
  endpoint: string;
}) => AlicloudLogClient;

const toLoopback: LookupFunction = (_host, options, callback) => {
  if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
};

/** An agent whose every name resolves to 127.0.0.1; pass it as `options.agent`. */
export function loopbackAgent(): http.Agent {
  return new http.Agent({ lookup: toLoopback });
}

/** `url` is `http://127.0.0.1:PORT`; the SDK is given `http://localhost:PORT`. */
export function alicloudLogClient(url: string, accessKeyId: string, accessKeySecret: string) {
  const port = new URL(url).port;
  return new Client({ accessKeyId, accessKeySecret, endpoint: `http://localhost:${port}` });
}
