/**
 * The API baseline (bench/api-bench.ts): node:http with nothing on top, answering with a body
 * shaped like ListDeliveryHistoryJobs'. The ratio opentrail / this holds on any machine.
 */
import { createServer } from 'node:http';

const body = JSON.stringify({
  RequestId: '00000000-0000-0000-0000-000000000000',
  DeliveryHistoryJobs: [],
  TotalCount: 0,
  PageNumber: 1,
  PageSize: 10,
});
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') console.log(`http://127.0.0.1:${address.port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
