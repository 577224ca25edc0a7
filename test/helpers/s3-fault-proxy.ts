import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * What the proxy does to a request it faults:
 * - `error`: answers an S3/OSS XML error (`<Error><Code>…`) with that status, never forwarding;
 * - `reset`: destroys the connection without an answer; with `afterStore`, only once the store
 *   has taken the object (the worst case: stored, but the client cannot know);
 * - `delay`: forwards at once, holds the store's answer back for `ms` (a slow receiver; past the
 *   client's timeout, the object is stored although the client gave up);
 * - `stall`: answers 500 with the headers and half of an XML error body, then sends nothing more
 *   (a receiver that hangs mid-answer).
 */
export type S3Fault =
  | { kind: 'error'; status: number; code: string; message?: string }
  | { kind: 'reset'; afterStore?: boolean }
  | { kind: 'delay'; ms: number }
  | { kind: 'stall' };

export interface S3FaultProxy {
  /** `http://127.0.0.1:<port>`: use as the OSS endpoint (path style), instead of s3rver's. */
  url: string;
  /**
   * Faults the next `count` matching requests (default 1; Infinity until heal()). Only PutObject
   * requests match unless `allRequests`: bucket look-ups by CreateTrail pass untouched.
   */
  inject(fault: S3Fault, options?: { count?: number; allRequests?: boolean }): void;
  heal(): void;
  /** Stops listening and cuts every open connection: connection refused until up(). */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  /** Figures of the run so far. */
  stats: { requests: number; putObjects: number; faulted: number };
  close(): Promise<void>;
}

/** A path-style PutObject: `PUT /<bucket>/<key>` (CreateBucket has no key; parts have uploadId). */
function isPutObject(req: http.IncomingMessage): boolean {
  const url = new URL(req.url ?? '/', 'http://proxy');
  return (
    req.method === 'PUT' && /^\/[^/]+\/./.test(url.pathname) && !url.searchParams.has('uploadId')
  );
}

/** The body OSS (and S3) send with an error: the SDK takes `Code` as the error's name. */
function errorXml(code: string, message: string, requestId: string): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<Error>',
    `  <Code>${code}</Code>`,
    `  <Message>${message}</Message>`,
    `  <RequestId>${requestId}</RequestId>`,
    '  <HostId>fault-proxy.local</HostId>',
    '</Error>',
  ].join('\n');
}

/**
 * A fault-injecting HTTP proxy in front of s3rver (node:http only). A request it does not fault
 * is forwarded unchanged and streamed both ways, headers included (Content-MD5, the signature):
 * s3rver checks the MD5, so a body the proxy damaged would be caught. Upstream connections are
 * not kept alive, so s3rver's own idle-connection closes (delivery-sinks §4.2) add no faults of
 * their own.
 */
export async function startS3FaultProxy(upstreamUrl: string): Promise<S3FaultProxy> {
  const upstream = new URL(upstreamUrl);
  let plan: { fault: S3Fault; left: number; allRequests: boolean } | undefined;
  const stats = { requests: 0, putObjects: 0, faulted: 0 };
  const sockets = new Set<Socket>();
  const agent = new http.Agent({ keepAlive: false });

  const takeFault = (req: http.IncomingMessage): S3Fault | undefined => {
    if (!plan || plan.left <= 0) return undefined;
    if (!plan.allRequests && !isPutObject(req)) return undefined;
    plan.left--;
    stats.faulted++;
    return plan.fault;
  };

  const forward = (
    req: http.IncomingMessage,
    onAnswer: (answer: http.IncomingMessage) => void,
    onError: (e: Error) => void,
  ) => {
    const out = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      onAnswer,
    );
    out.on('error', onError);
    req.pipe(out);
  };

  const server = http.createServer((req, res) => {
    stats.requests++;
    if (isPutObject(req)) stats.putObjects++;
    const fault = takeFault(req);
    const requestId = randomBytes(12).toString('hex').toUpperCase();
    const relay = (answer: http.IncomingMessage) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    };
    const failed = (e: Error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`fault proxy: upstream failed: ${e.message}`);
    };
    if (fault?.kind === 'error') {
      // Read the body first: answering mid-upload would fault the connection as well.
      req.resume();
      req.on('end', () => {
        const body = errorXml(fault.code, fault.message ?? `${fault.code} (injected)`, requestId);
        res.writeHead(fault.status, {
          'content-type': 'application/xml',
          'content-length': Buffer.byteLength(body),
          'x-oss-request-id': requestId,
        });
        res.end(body);
      });
    } else if (fault?.kind === 'stall') {
      req.resume();
      req.on('end', () => {
        const body = errorXml('InternalError', 'stalled (injected)', requestId);
        res.writeHead(500, {
          'content-type': 'application/xml',
          'content-length': Buffer.byteLength(body),
        });
        res.write(body.slice(0, body.length >> 1));
      });
    } else if (fault?.kind === 'reset') {
      if (fault.afterStore) {
        forward(
          req,
          (answer) => {
            answer.resume();
            req.socket.destroy();
          },
          () => req.socket.destroy(),
        );
      } else {
        req.socket.destroy();
      }
    } else if (fault?.kind === 'delay') {
      forward(
        req,
        (answer) => {
          const timer = setTimeout(() => relay(answer), fault.ms);
          // The client gave up first: its answer is dropped (the object stays stored).
          res.on('close', () => clearTimeout(timer));
        },
        failed,
      );
    } else {
      forward(req, relay, failed);
    }
  });
  // Node closes a keep-alive connection idle for 5 s; a client reusing it just then gets a reset
  // the plan did not ask for (a backoff can wait that long). Only the plan faults connections.
  server.keepAliveTimeout = 120_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Idle keep-alive connections would otherwise stay usable: a real outage cuts them too.
      for (const s of sockets) s.destroy();
    });
  const port = await listen(0);
  let isDown = false;

  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    inject(fault, options = {}) {
      plan = { fault, left: options.count ?? 1, allRequests: options.allRequests ?? false };
    },
    heal() {
      plan = undefined;
    },
    async down() {
      if (isDown) return;
      isDown = true;
      await stop();
    },
    async up() {
      if (!isDown) return;
      await listen(port);
      isDown = false;
    },
    async close() {
      plan = undefined;
      if (!isDown) await stop();
      isDown = true;
      agent.destroy();
    },
  };
}
