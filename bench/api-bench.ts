/**
 * Signed API calls against `serve` (self-audit on, nonces persisted: the defaults), beside the
 * bare node:http baseline under the same load in the same run.
 */
import { buildV1Request, buildV3Request, type RawRequest } from '../src/api/signature/index.js';
import { type LoadResult, runLoad } from './load.js';
import { type Child, startBareServer } from './processes.js';
import { ms, type Row, rate, ratio } from './report.js';

export interface Key {
  accessKeyId: string;
  accessKeySecret: string;
}

export type Signing = 'v1' | 'V3';

/** Signed requests built ahead of time (each with its own nonce, as a real client sends). */
export function signedRequests(
  key: Key,
  signing: Signing,
  action: string,
  params: Record<string, string>,
  count: number,
  host: string,
): RawRequest[] {
  const nowMs = Date.now();
  return Array.from({ length: count }, () =>
    signing === 'v1'
      ? buildV1Request({
          ...key,
          method: 'GET',
          action,
          version: '2020-07-06',
          params,
          nowMs,
          host,
        })
      : buildV3Request({
          ...key,
          method: 'POST',
          action,
          version: '2020-07-06',
          query: params,
          nowMs,
          host,
        }),
  );
}

/** A load's result with the CPU its server used per request (µs), when /proc tells. */
type Measured = LoadResult & { cpuUsPerRequest: number | undefined };

async function measured(
  server: Pick<Child, 'cpuSeconds'>,
  load: () => Promise<LoadResult>,
): Promise<Measured> {
  const before = server.cpuSeconds();
  const r = await load();
  const after = server.cpuSeconds();
  const cpu =
    before === undefined || after === undefined ? undefined : ((after - before) * 1e6) / r.requests;
  return { ...r, cpuUsPerRequest: cpu };
}

/**
 * Server CPU per request: unlike req/s it hardly depends on what else the shared machine runs
 * at the moment, so it is the figure to compare between runs ([G], docs/benchmarks.md).
 */
const cpuText = (m: Measured) =>
  m.cpuUsPerRequest === undefined ? '' : `, ${Math.round(m.cpuUsPerRequest)} µs CPU/request`;

function loadRow(name: string, r: Measured, base: Measured, connections: number): Row {
  if (r.failures > 0)
    throw new Error(`${name}: ${r.failures} failed answers, e.g. ${r.firstFailure}`);
  return {
    benchmark: `${name} (${connections} keep-alive connections)`,
    size: `${r.requests.toLocaleString('en-US')} requests`,
    result: `${rate(r.perSecond, 'req/s')}, p50 ${ms(r.p50Ms)}, p99 ${ms(r.p99Ms)}${cpuText(r)}`,
    goal: '≥ 8,000 req/s, p99 ≤ 10 ms',
    baseline: `${rate(base.perSecond, 'req/s')}, p99 ${ms(base.p99Ms)}${cpuText(base)} (bare node:http)`,
    ratio: ratio(r.perSecond, base.perSecond),
  };
}

/** Requests per case before the timed runs (printed with the settings): up to 5,000. */
export const warmUpRequests = (requests: number) => Math.min(5_000, Math.ceil(requests / 4));

export async function apiBench(o: {
  url: string;
  /** The serve process, for its CPU per request. */
  server: Pick<Child, 'cpuSeconds'>;
  key: Key;
  requests: number;
  connections: number;
}): Promise<Row[]> {
  const host = new URL(o.url).host;
  const bare = await startBareServer();
  try {
    const cases: Array<[string, Signing, string]> = [
      ['signed v1 ListDeliveryHistoryJobs', 'v1', 'ListDeliveryHistoryJobs'],
      ['signed V3 ListDeliveryHistoryJobs', 'V3', 'ListDeliveryHistoryJobs'],
      ['signed v1 DescribeTrails', 'v1', 'DescribeTrails'],
      ['signed V3 DescribeTrails', 'V3', 'DescribeTrails'],
    ];
    // Warm both servers before anything is timed, on every case's code path, or the first case
    // measured pays for all of them: V8's optimising compiler, and the WAL file growing to its
    // working size (the checkpointer starts it over past 256 MB, ~18,000 requests). With 500
    // requests a case the first case timed ran at ~130 µs of CPU a request and the same case
    // again, later, at ~90 ([G] round 9).
    for (const [, signing, action] of cases) {
      await runLoad(
        o.url,
        signedRequests(o.key, signing, action, {}, warmUpRequests(o.requests), host),
        o.connections,
      );
    }
    const baseRequests = signedRequests(
      o.key,
      'v1',
      'ListDeliveryHistoryJobs',
      {},
      o.requests,
      host,
    );
    await runLoad(bare.url, baseRequests.slice(0, 200), 8);
    const rows: Row[] = [];
    for (const [name, signing, action] of cases) {
      const requests = signedRequests(o.key, signing, action, {}, o.requests, host);
      const base = await measured(bare, () => runLoad(bare.url, baseRequests, o.connections));
      const r = await measured(o.server, () => runLoad(o.url, requests, o.connections));
      rows.push(loadRow(name, r, base, o.connections));
    }
    return rows;
  } finally {
    await bare.stop();
  }
}
