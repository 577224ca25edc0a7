import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { type AddressInfo, isIP, type Socket } from 'node:net';
import { checkRequest } from './dev-sls-auth.js';
import { type FaultOptions, FaultPlan } from './dev-sls-faults.js';
import { handleLogstoreCall, SlsAnswer, type SlsCall } from './dev-sls-routes.js';
import { DevSlsStore, PROJECT_NAME } from './dev-sls-store.js';

/**
 * `opentrail dev sls`: a local stand-in for Alibaba Cloud Log Service that speaks its wire format
 * (delivery-sinks §3), for users trying delivery and for our tests. Every request is checked as
 * SLS checks it (signature, clock, Content-MD5); the project comes from the Host header's first
 * label (`<project>.<host>`), as on SLS. A Host with no project label (an IP address or a
 * single label such as `localhost`) may name it in the header `x-opentrail-project` instead —
 * an extension for clients that cannot set Host.
 */
export interface DevSlsOptions {
  dataDir: string;
  host?: string;
  port?: number;
  accessKeyId: string;
  accessKeySecret: string;
  /** When set, the key pair is temporary: every request must carry this `x-acs-security-token`. */
  securityToken?: string | undefined;
  /** When given, only these projects exist (others answer 404 ProjectNotExist); else any does. */
  projects?: readonly string[] | undefined;
  faults?: FaultOptions;
  /**
   * When set, PutLogs refuses (400 `InvalidTimestamp`) a request holding a log older than this
   * many days, as older SLS deployments and short-TTL projects do; for trying `logTime: delivery`.
   */
  maxLogAgeDays?: number | undefined;
  now?: () => number;
}

export interface DevSls {
  /** `http://<host>:<port>` — the endpoint to configure (`OPENTRAIL_SLS_ENDPOINT`). */
  url: string;
  close(): Promise<void>;
}

/** The project named by `<project>.<rest>` in Host, else by `x-opentrail-project`. */
export function projectOf(
  hostHeader: string | undefined,
  fallback: string | undefined,
): string | undefined {
  const host = (hostHeader ?? '').replace(/:\d+$/, '');
  const hasLabel = host.includes('.') && isIP(host) === 0 && !host.startsWith('[');
  if (!hasLabel) return fallback;
  return host.slice(0, host.indexOf('.'));
}

export async function startDevSls(options: DevSlsOptions): Promise<DevSls> {
  const store = new DevSlsStore(options.dataDir);
  const faults = new FaultPlan(options.faults ?? {});
  const secrets = new Map([[options.accessKeyId, options.accessKeySecret]]);
  const now = options.now ?? Date.now;
  const projects = options.projects ? new Set(options.projects) : undefined;
  const sockets = new Set<Socket>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const requestId = randomBytes(12).toString('hex').toUpperCase();
      const send = (answer: SlsAnswer) => {
        const headers: Record<string, string> = {
          'x-log-requestid': requestId,
          ...answer.headers,
        };
        if (answer.json !== undefined) {
          const text = JSON.stringify(answer.json);
          headers['content-type'] = 'application/json';
          headers['content-length'] = String(Buffer.byteLength(text));
          res.writeHead(answer.status, headers).end(text);
        } else {
          // SLS answers PutLogs with 200, an empty body and no Content-Type.
          headers['content-length'] = '0';
          res.writeHead(answer.status, headers).end();
        }
      };
      void serve(Buffer.concat(chunks)).then(send, (e: unknown) => {
        if (e instanceof DroppedError) return;
        send(
          SlsAnswer.error(500, 'InternalServerError', e instanceof Error ? e.message : String(e)),
        );
      });
    });

    async function serve(body: Buffer): Promise<SlsAnswer> {
      const url = new URL(req.url ?? '/', 'http://dev-sls');
      const query = Object.fromEntries(url.searchParams.entries());
      const method = req.method ?? 'GET';
      const failure = checkRequest(
        { method, headers: req.headers, path: url.pathname, query, body },
        secrets,
        now(),
      );
      if (failure) return SlsAnswer.error(failure.status, failure.code, failure.message);
      if (
        options.securityToken !== undefined &&
        req.headers['x-acs-security-token'] !== options.securityToken
      ) {
        return SlsAnswer.error(401, 'Unauthorized', 'the security token is missing or invalid');
      }
      const fallback = req.headers['x-opentrail-project'];
      const project = projectOf(req.headers.host, Array.isArray(fallback) ? fallback[0] : fallback);
      if (!project || !PROJECT_NAME.test(project) || (projects && !projects.has(project))) {
        return SlsAnswer.error(
          404,
          'ProjectNotExist',
          `The Project does not exist : ${project ?? ''}`,
        );
      }
      const call: SlsCall = {
        method,
        path: url.pathname,
        query,
        headers: req.headers,
        body,
        project,
      };
      return handleLogstoreCall(call, {
        store,
        faults,
        now,
        maxLogAgeDays: options.maxLogAgeDays,
        hold: (ms) => slow(ms),
        drop,
      });
    }

    function slow(ms: number): Promise<void> {
      return new Promise((resolve) => {
        const timer = setTimeout(resolve, ms);
        res.once('close', () => clearTimeout(timer));
      });
    }

    function drop(): never {
      req.socket.destroy();
      throw new DroppedError();
    }
  });
  // Longer than clients keep idle connections, so a reused connection is not closed under them.
  server.keepAliveTimeout = 65_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Thrown after a `drop` fault destroyed the socket: nothing is left to answer. */
export class DroppedError extends Error {}
