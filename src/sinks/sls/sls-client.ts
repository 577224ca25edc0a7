import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { abortedError, networkError, responseError } from './sls-errors.js';
import { authorization, contentMd5 } from './sls-signature.js';

/**
 * Our own SLS client (delivery-sinks §3.6: no official Node SDK fits — one cannot compress and
 * throws on SLS's empty 200, another cannot send protobuf). It connects to the configured
 * endpoint and carries the project in `Host: <project>.<endpoint host[:port]>`, signs v1
 * (`LOG <ak>:<hmac-sha1>`), keeps connections alive and bounds how many are open.
 */
export interface SlsCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  /** STS token of assumed-role credentials, sent as `x-acs-security-token`. */
  securityToken?: string | undefined;
}

export interface SlsClientOptions extends SlsCredentials {
  /** `http(s)://host[:port]`; any path is ignored. */
  endpoint: string;
  /** Whole-request limit; an answer slower than this is a retryable `RequestTimeout`. */
  timeoutMs?: number;
  /** Connections (so requests in flight) per endpoint. */
  maxSockets?: number;
  now?: () => number;
}

export interface SlsRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  project: string;
  path: string;
  query?: Record<string, string>;
  body?: Buffer;
  /** Extra `x-log-*` headers and the content type of `body`. */
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
}

export interface SlsResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_SOCKETS = 16;

export class SlsClient {
  readonly endpoint: URL;
  private readonly agent: http.Agent;
  private readonly options: SlsClientOptions;
  private readonly now: () => number;

  constructor(options: SlsClientOptions) {
    this.options = options;
    this.endpoint = new URL(options.endpoint);
    if (this.endpoint.protocol !== 'http:' && this.endpoint.protocol !== 'https:') {
      throw new Error(`SLS endpoint must be an http(s) URL, got ${this.endpoint.protocol}`);
    }
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? DEFAULT_MAX_SOCKETS };
    this.agent =
      this.endpoint.protocol === 'https:'
        ? new https.Agent(agentOptions)
        : new http.Agent(agentOptions);
    this.now = options.now ?? Date.now;
  }

  /** `<project>.<endpoint host[:port]>`: SLS finds the project in the Host header, never the path. */
  projectHost(project: string): string {
    return `${project}.${this.endpoint.host}`;
  }

  /** Sends one signed request; resolves on 2xx, throws a SinkError (sls-errors.ts) otherwise. */
  async request(req: SlsRequest): Promise<SlsResponse> {
    if (req.signal?.aborted) throw abortedError();
    const headers: Record<string, string> = {
      date: new Date(this.now()).toUTCString(),
      host: this.projectHost(req.project),
      'x-log-apiversion': '0.6.0',
      'x-log-signaturemethod': 'hmac-sha1',
      ...req.headers,
    };
    if (req.body) {
      headers['content-md5'] = contentMd5(req.body);
      headers['content-length'] = String(req.body.length);
      headers['content-type'] ??= 'application/json';
    }
    if (this.options.securityToken) headers['x-acs-security-token'] = this.options.securityToken;
    headers.authorization = authorization(this.options.accessKeyId, this.options.accessKeySecret, {
      method: req.method,
      headers,
      path: req.path,
      ...(req.query ? { query: req.query } : {}),
    });
    const search = req.query ? `?${new URLSearchParams(req.query).toString()}` : '';
    const res = await this.send(req.method, `${req.path}${search}`, headers, req);
    if (res.status >= 200 && res.status < 300) return res;
    throw responseError(
      {
        status: res.status,
        body: res.body.toString('utf8'),
        retryAfter: headerValue(res.headers['retry-after']),
        requestId: headerValue(res.headers['x-log-requestid']),
      },
      this.now(),
    );
  }

  /** Sends and parses a JSON answer (an empty body is `undefined`, as SLS sends for some calls). */
  async requestJson<T>(req: SlsRequest): Promise<T | undefined> {
    const res = await this.request(req);
    return res.body.length === 0 ? undefined : (JSON.parse(res.body.toString('utf8')) as T);
  }

  close(): void {
    this.agent.destroy();
  }

  private send(
    method: string,
    path: string,
    headers: Record<string, string>,
    req: SlsRequest,
  ): Promise<SlsResponse> {
    const { endpoint } = this;
    const transport = endpoint.protocol === 'https:' ? https : http;
    // TLS: the certificate names `*.<region>.log.aliyuncs.com`, so SNI and the name check use
    // the project host, while the connection goes to the endpoint host (same address in DNS).
    const tls =
      endpoint.protocol === 'https:' && isIP(endpoint.hostname) === 0
        ? { servername: this.projectHost(req.project) }
        : {};
    return new Promise<SlsResponse>((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const request = transport.request(
        {
          protocol: endpoint.protocol,
          hostname: endpoint.hostname.replace(/^\[|\]$/g, ''),
          port: endpoint.port || undefined,
          method,
          path,
          headers,
          agent: this.agent,
          ...tls,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            finish(() =>
              resolve({
                status: res.statusCode ?? 0,
                headers: res.headers,
                body: Buffer.concat(chunks),
              }),
            ),
          );
          res.on('error', (e) => finish(() => reject(networkError(e))));
        },
      );
      const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      const timer = setTimeout(() => {
        const e = Object.assign(new Error(`no answer within ${timeoutMs} ms`), {
          code: 'RequestTimeout',
        });
        finish(() => reject(networkError(e)));
        request.destroy();
      }, timeoutMs);
      const onAbort = () => {
        finish(() => reject(abortedError()));
        request.destroy();
      };
      req.signal?.addEventListener('abort', onAbort, { once: true });
      request.on('error', (e) => finish(() => reject(networkError(e))));
      request.end(req.body);
    });
  }
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
