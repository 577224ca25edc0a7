/**
 * The load generator's wire side: one keep-alive socket that writes pre-serialised HTTP/1.1
 * requests and reads each answer with just enough parsing to find its end (Content-Length or
 * chunked). node:http's client cost ~60–100 µs of CPU per request here, on the same 2 cores
 * as the server it measures, so it capped both opentrail and the bare baseline well below
 * what they serve (the bare figure, 15,200 req/s, came from a leaner generator).
 */
import net from 'node:net';
import type { RawRequest } from '../src/api/signature/index.js';

export interface RawAnswer {
  status: number;
  body: Buffer;
}

/** The request's bytes as a client sends them (Host and Content-Length added when absent). */
export function serialiseRequest(req: RawRequest, host: string): Buffer {
  const lines = [`${req.method} ${req.url} HTTP/1.1`];
  let hasHost = false;
  for (const [k, v] of Object.entries(req.headers)) {
    if (typeof v !== 'string' || k.toLowerCase() === 'content-length') continue;
    if (k.toLowerCase() === 'host') hasHost = true;
    lines.push(`${k}: ${v}`);
  }
  if (!hasHost) lines.push(`host: ${host}`);
  lines.push(`content-length: ${req.body.length}`, '', '');
  return Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), req.body]);
}

/** Where the answer that starts `buf` ends, or -1 while it is incomplete. */
export function answerEnd(buf: Buffer): { end: number; bodyStart: number } | undefined {
  const headEnd = buf.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const head = buf.toString('latin1', 0, headEnd);
  const bodyStart = headEnd + 4;
  const length = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head);
  if (length) {
    const end = bodyStart + Number(length[1]);
    return buf.length >= end ? { end, bodyStart } : undefined;
  }
  if (!/\r\ntransfer-encoding:[ \t]*chunked/i.test(head)) return { end: bodyStart, bodyStart };
  let at = bodyStart;
  for (;;) {
    const lineEnd = buf.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(buf.toString('latin1', at, lineEnd), 16);
    if (size === 0) {
      // No trailers are sent by the servers measured: the last chunk is "0\r\n\r\n".
      return buf.length >= lineEnd + 4 ? { end: lineEnd + 4, bodyStart } : undefined;
    }
    at = lineEnd + 2 + size + 2;
    if (buf.length < at) return undefined;
  }
}

function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', at);
    const size = Number.parseInt(body.toString('latin1', at, lineEnd), 16);
    if (!(size > 0)) return Buffer.concat(parts);
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

/** One keep-alive connection; `send` may be called again once its promise settled. */
export class RawConnection {
  private readonly socket: net.Socket;
  private buf: Buffer = Buffer.alloc(0);
  private waiting?: { resolve(a: RawAnswer): void; reject(e: Error): void };

  constructor(host: string, port: number) {
    this.socket = net.connect({ host, port, noDelay: true });
    this.socket.on('data', (d: Buffer) => this.onData(d));
    this.socket.on('error', (e) => this.fail(e));
    this.socket.on('close', () => this.fail(new Error('connection closed by the server')));
  }

  send(request: Buffer): Promise<RawAnswer> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(request);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
    const found = answerEnd(this.buf);
    if (!found || !this.waiting) return;
    const raw = this.buf.subarray(found.bodyStart, found.end);
    const head = this.buf.toString('latin1', 0, found.bodyStart);
    const status = Number(head.slice(9, 12));
    this.buf = this.buf.subarray(found.end);
    const w = this.waiting;
    this.waiting = undefined;
    w.resolve({ status, body: /transfer-encoding:[ \t]*chunked/i.test(head) ? dechunk(raw) : raw });
  }

  private fail(e: Error): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.reject(e);
  }
}
