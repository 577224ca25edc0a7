import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerEnd, RawConnection, serialiseRequest } from './raw-http-client.js';

describe('the load generator’s raw HTTP client', () => {
  let server: Server;
  let port = 0;
  const seen: Array<{ method?: string; url?: string; host?: string; body: string }> = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => {
        body += d;
      });
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, host: req.headers.host, body });
        if (req.url === '/chunked') {
          // No Content-Length: node:http sends the body in chunks.
          res.writeHead(503, { 'content-type': 'text/plain' });
          res.write('first part, ');
          res.end('second part');
        } else {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ echo: body }));
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const a = server.address();
    port = typeof a === 'object' && a ? a.port : 0;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('sends a request as node:http receives it and reads answers of both framings in turn', async () => {
    const c = new RawConnection('127.0.0.1', port);
    try {
      const post = serialiseRequest(
        {
          method: 'POST',
          url: '/?Action=X',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: Buffer.from('a=1&b=é'),
        },
        `127.0.0.1:${port}`,
      );
      const first = await c.send(post);
      expect(first.status).toBe(200);
      expect(JSON.parse(first.body.toString('utf8'))).toEqual({ echo: 'a=1&b=é' });
      const get = serialiseRequest(
        { method: 'GET', url: '/chunked', headers: {}, body: Buffer.alloc(0) },
        'h',
      );
      const second = await c.send(get);
      expect(second.status).toBe(503);
      expect(second.body.toString('utf8')).toBe('first part, second part');
      // The same socket again after a chunked answer.
      expect((await c.send(post)).status).toBe(200);
      expect(seen.map((s) => [s.method, s.url, s.host])).toEqual([
        ['POST', '/?Action=X', `127.0.0.1:${port}`],
        ['GET', '/chunked', 'h'],
        ['POST', '/?Action=X', `127.0.0.1:${port}`],
      ]);
    } finally {
      c.close();
    }
  });

  it('waits for the rest of an answer that arrived in pieces', () => {
    const whole = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello');
    expect(answerEnd(whole.subarray(0, 20))).toBeUndefined();
    expect(answerEnd(whole.subarray(0, whole.length - 1))).toBeUndefined();
    expect(answerEnd(whole)).toEqual({ end: whole.length, bodyStart: whole.length - 5 });
    const chunked = Buffer.from(
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
    );
    expect(answerEnd(chunked.subarray(0, chunked.length - 2))).toBeUndefined();
    expect(answerEnd(chunked)?.end).toBe(chunked.length);
  });
});
