/**
 * A closed-loop HTTP load generator: `connections` keep-alive sockets, each sending its next
 * request as soon as the previous answer arrived. Requests are built (signed and serialised)
 * before the clock starts, and sent over raw sockets (bench/raw-http-client.ts), so the
 * generator takes as little of the shared CPU as it can while it measures.
 */
import type { RawRequest } from '../src/api/signature/index.js';
import { RawConnection, serialiseRequest } from './raw-http-client.js';

export interface LoadResult {
  requests: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers other than 200 (a signed call must never fail under load). */
  failures: number;
  firstFailure?: string;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

/** Sends every request of `requests` over `connections` sockets; times each answer. */
export async function runLoad(
  url: string,
  requests: readonly RawRequest[],
  connections: number,
): Promise<LoadResult> {
  const base = new URL(url);
  const wire = requests.map((r) => serialiseRequest(r, base.host));
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  let firstFailure: string | undefined;
  const sockets = Array.from(
    { length: connections },
    () => new RawConnection(base.hostname, Number(base.port)),
  );
  const started = performance.now();
  const worker = async (socket: RawConnection) => {
    for (;;) {
      const i = next++;
      const req = wire[i];
      if (!req) return;
      const t = performance.now();
      const res = await socket.send(req);
      latencies.push(performance.now() - t);
      if (res.status !== 200) {
        failures++;
        firstFailure ??= `${res.status} ${res.body.toString('utf8', 0, 200)}`;
      }
    }
  };
  try {
    await Promise.all(sockets.map(worker));
  } finally {
    for (const s of sockets) s.close();
  }
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: requests.length,
    seconds,
    perSecond: requests.length / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    failures,
    ...(firstFailure ? { firstFailure } : {}),
  };
}

/** One request, for set-up calls; throws unless the answer is 200. */
export async function sendOnce(url: string, req: RawRequest): Promise<Record<string, unknown>> {
  const base = new URL(url);
  const connection = new RawConnection(base.hostname, Number(base.port));
  try {
    const res = await connection.send(serialiseRequest(req, base.host));
    const body = res.body.toString('utf8');
    if (res.status !== 200) throw new Error(`${res.status} ${body}`);
    return JSON.parse(body) as Record<string, unknown>;
  } finally {
    connection.close();
  }
}
