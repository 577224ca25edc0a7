/**
 * LookupEvents through the signed API (v1, as pop-core sends it), one request at a time so the
 * figure is the latency a console user sees: pages of 50 for single keys and pairs, then deep
 * paging by NextToken.
 */
import { buildV1Request } from '../src/api/signature/index.js';
import type { Key } from './api-bench.js';
import { percentile, sendOnce } from './load.js';
import { ms, type Row } from './report.js';

const SHAPES: Array<Record<string, string>> = [
  {},
  { 'LookupAttribute.1.Key': 'ServiceName', 'LookupAttribute.1.Value': 'Ecs' },
  { 'LookupAttribute.1.Key': 'EventRW', 'LookupAttribute.1.Value': 'Write' },
  { 'LookupAttribute.1.Key': 'EventType', 'LookupAttribute.1.Value': 'ConsoleSignin' },
  { 'LookupAttribute.1.Key': 'SensitiveAction', 'LookupAttribute.1.Value': 'true' },
  { 'LookupAttribute.1.Key': 'ResourceType', 'LookupAttribute.1.Value': 'ACS::ECS::Instance' },
  {
    'LookupAttribute.1.Key': 'ServiceName',
    'LookupAttribute.1.Value': 'Ecs',
    'LookupAttribute.2.Key': 'EventName',
    'LookupAttribute.2.Value': 'DescribeInstances',
  },
  {
    'LookupAttribute.1.Key': 'ServiceName',
    'LookupAttribute.1.Value': 'Ram',
    'LookupAttribute.2.Key': 'EventRW',
    'LookupAttribute.2.Value': 'Write',
  },
  {
    'LookupAttribute.1.Key': 'EventType',
    'LookupAttribute.1.Value': 'ApiCall',
    'LookupAttribute.2.Key': 'EventName',
    'LookupAttribute.2.Value': 'CreateInstance',
  },
];

function wire(msEpoch: number): string {
  return new Date(Math.floor(msEpoch / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

async function lookup(url: string, key: Key, params: Record<string, string>) {
  const req = buildV1Request({
    ...key,
    method: 'GET',
    action: 'LookupEvents',
    version: '2020-07-06',
    params,
    nowMs: Date.now(),
    host: new URL(url).host,
  });
  const t = performance.now();
  const body = await sendOnce(url, req);
  return { ms: performance.now() - t, body };
}

export async function lookupBench(o: {
  url: string;
  key: Key;
  requests: number;
  events: number;
}): Promise<Row[]> {
  const now = Date.now();
  const range = { StartTime: wire(now - 3 * 86_400_000), EndTime: wire(now), MaxResults: '50' };
  const times: number[] = [];
  let found = 0;
  for (let i = 0; i < o.requests; i++) {
    const shape = SHAPES[i % SHAPES.length] ?? {};
    const r = await lookup(o.url, o.key, { ...range, ...shape });
    times.push(r.ms);
    found += Array.isArray(r.body.Events) ? r.body.Events.length : 0;
  }
  if (found === 0)
    throw new Error('LookupEvents found nothing: the seeded store is not being read');
  times.sort((a, b) => a - b);
  // Deep paging: follow NextToken through the unfiltered history.
  const deep: number[] = [];
  let token: string | undefined;
  for (let page = 0; page < Math.max(5, o.requests / 5); page++) {
    const r = await lookup(o.url, o.key, { ...range, ...(token ? { NextToken: token } : {}) });
    deep.push(r.ms);
    token = typeof r.body.NextToken === 'string' && r.body.NextToken ? r.body.NextToken : undefined;
    if (!token) break;
  }
  deep.sort((a, b) => a - b);
  const size = `${o.events.toLocaleString('en-US')} events`;
  return [
    {
      benchmark: `LookupEvents page of 50, ${SHAPES.length} key/pair shapes, one at a time`,
      size,
      result: `p50 ${ms(percentile(times, 0.5))}, p95 ${ms(percentile(times, 0.95))} (${times.length} pages)`,
      goal: 'p95 ≤ 50 ms at 10 M',
      baseline: '—',
      ratio: '—',
    },
    {
      benchmark: 'LookupEvents deep paging (NextToken, no filter)',
      size,
      result: `p50 ${ms(percentile(deep, 0.5))}, p95 ${ms(percentile(deep, 0.95))} (${deep.length} pages)`,
      goal: 'p95 ≤ 50 ms at 10 M',
      baseline: '—',
      ratio: '—',
    },
  ];
}
