import fc from 'fast-check';
import { buildV3Request } from '../../../src/api/signature/client-signers.js';
import type { RawRequest } from '../../../src/api/signature/types.js';
import { MAX_REQUEST_PARAMETERS_BYTES } from '../../../src/domain/events/self-audit.js';
import { ERROR_CATALOG } from '../../../src/errors/catalog.js';
import { injectRaw } from '../../helpers/raw-requests.js';
import type { TestApp } from '../../helpers/test-app.js';
import { type FuzzCase, fuzzCase } from './fuzz-requests.js';
import { FUZZ_TRAIL } from './fuzz-values.js';

export interface FuzzFigures {
  seed: number;
  requests: number;
  signed: number;
  broken: number;
  /** Requests the client side could not even build (e.g. a lone surrogate in a V3 header). */
  unbuildable: number;
  /** target → "status Code" → count */
  byTarget: Record<string, Record<string, number>>;
  /** Code → count, over all targets */
  codes: Record<string, number>;
  /** Events stored that are neither a self-audit record nor accepted by the ingest API. */
  foreignEvents: number;
  auditRecords: number;
  largestAuditParametersBytes: number;
  /** heapUsed in MB after each tenth of the run (after a GC when --expose-gc is on) */
  heapMb: number[];
  violations: string[];
}

const ERROR_KEYS = ['RequestId', 'HostId', 'Code', 'Message', 'Recommend'];

/**
 * Sends `count` generated requests into the in-process app and checks each answer: never a 5xx,
 * always JSON, every error in the documented shape with a code of the one catalog at its status.
 * Afterwards the database must hold nothing from them but one self-audit record per
 * authenticated request (capped, decisions §3) and the events the ingest API said it accepted.
 */
export async function runFuzz(app: TestApp, count: number, seed: number): Promise<FuzzFigures> {
  const f: FuzzFigures = {
    seed,
    requests: 0,
    signed: 0,
    broken: 0,
    unbuildable: 0,
    byTarget: {},
    codes: {},
    foreignEvents: 0,
    auditRecords: 0,
    largestAuditParametersBytes: 0,
    heapMb: [],
    violations: [],
  };
  const usedNonce = 'fuzz-used-nonce';
  const answered = new Map<string, FuzzCase['signing']>();
  const first = await send(
    app,
    buildV3Request({
      ...app.key,
      method: 'POST',
      action: 'DescribeRegions',
      version: '2020-07-06',
      nowMs: Date.now(),
      host: app.host,
      nonce: usedNonce,
    }),
  );
  answered.set(String((JSON.parse(first.body) as { RequestId: unknown }).RequestId), 'signed');
  // A trail of the account, so requests naming it reach past "not found".
  const trail = await send(
    app,
    buildV3Request({
      ...app.key,
      method: 'POST',
      action: 'CreateTrail',
      version: '2020-07-06',
      query: {
        Name: FUZZ_TRAIL,
        SlsProjectArn: `acs:log:cn-hangzhou:${app.key.accountId}:project/fuzz-project`,
      },
      nowMs: Date.now(),
      host: app.host,
    }),
  );
  answered.set(String((JSON.parse(trail.body) as { RequestId: unknown }).RequestId), 'signed');
  let accepted = 0;
  const BATCH = 250;
  for (let done = 0; done < count; ) {
    const n = Math.min(BATCH, count - done);
    // Generated batch by batch: a whole run's huge strings and bombs never sit in memory at once.
    const cases = fc.sample(fuzzCase, { numRuns: n, seed: seed + done });
    for (const c of cases) {
      let req: RawRequest;
      try {
        req = c.build({ key: app.key, host: app.host, nowMs: Date.now(), usedNonce });
      } catch {
        f.unbuildable += 1;
        continue;
      }
      f.requests += 1;
      f[c.signing] += 1;
      const res = await send(app, req);
      const where = `${c.target.slice(0, 40)} (${c.signing})`;
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(res.body) as Record<string, unknown>;
      } catch {
        f.violations.push(`${where}: ${res.status} answer is not JSON: ${res.body.slice(0, 100)}`);
        continue;
      }
      const code = res.status === 200 ? 'OK' : String(body.Code);
      const answer = `${res.status} ${code}`;
      const name = c.target.slice(0, 40) || '(empty)';
      f.byTarget[name] ??= {};
      const target = f.byTarget[name];
      target[answer] = (target[answer] ?? 0) + 1;
      f.codes[code] = (f.codes[code] ?? 0) + 1;
      if (typeof body.RequestId === 'string') answered.set(body.RequestId, c.signing);
      if (res.status >= 500) f.violations.push(`${where}: ${answer} ${String(body.Message)}`);
      if (res.status !== 200) {
        const entry = ERROR_CATALOG[code as keyof typeof ERROR_CATALOG];
        if (!entry) f.violations.push(`${where}: undocumented code ${code}`);
        else if (entry.status !== res.status)
          f.violations.push(`${where}: ${answer} (catalog ${entry.status})`);
        if (Object.keys(body).join() !== ERROR_KEYS.join()) {
          f.violations.push(`${where}: error body keys ${Object.keys(body).join()}`);
        }
      } else if (c.target === 'ingest') {
        accepted += Number(body.Accepted ?? 0);
      }
    }
    done += n;
    if (Math.floor((done * 10) / count) > f.heapMb.length) f.heapMb.push(heapMb());
  }

  const rows = await app.handle.db
    .selectFrom('events')
    .select('event_json')
    .where('account_id', '=', app.key.accountId)
    .execute();
  const perRequest = new Map<string, number>();
  let ingested = 0;
  for (const { event_json } of rows) {
    const e = JSON.parse(event_json) as { requestId?: string; requestParameters?: unknown };
    const signing = e.requestId === undefined ? undefined : answered.get(e.requestId);
    if (signing === undefined) {
      ingested += 1;
      continue;
    }
    if (signing === 'broken') f.violations.push(`a request with a broken signature was stored`);
    f.auditRecords += 1;
    perRequest.set(String(e.requestId), (perRequest.get(String(e.requestId)) ?? 0) + 1);
    const bytes = Buffer.byteLength(JSON.stringify(e.requestParameters ?? {}));
    f.largestAuditParametersBytes = Math.max(f.largestAuditParametersBytes, bytes);
    if (bytes > MAX_REQUEST_PARAMETERS_BYTES + 256) {
      f.violations.push(`an audit record keeps ${bytes} bytes of requestParameters`);
    }
  }
  for (const [id, n] of perRequest) if (n > 1) f.violations.push(`${n} audit records for ${id}`);
  f.foreignEvents = ingested - accepted;
  if (f.foreignEvents !== 0) {
    f.violations.push(`${ingested} events stored besides self-audit, ${accepted} accepted`);
  }
  return f;
}

async function send(app: TestApp, req: RawRequest): Promise<{ status: number; body: string }> {
  const { status, text } = await injectRaw(app.app, req);
  return { status, body: text };
}

function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return Math.round(process.memoryUsage().heapUsed / 1024 / 100) / 10;
}
