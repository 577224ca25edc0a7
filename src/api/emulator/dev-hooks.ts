import {
  type DevControls,
  FAULT_CODES,
  type FaultCode,
} from '../../domain/emulator/dev-controls.js';
import { seedEvents } from '../../domain/events/ingest-seed.js';
import { errors } from '../../errors/api-error.js';
import { DAY_MS, formatIsoSeconds } from '../../lib/time.js';
import type { AppServices, Caller } from '../actions/action.js';
import { ACTIONTRAIL_ACTIONS } from '../actions/known-actions.js';

/** A hook's JSON body, already parsed to an object. */
export type HookBody = Record<string, unknown>;

export interface HookContext {
  body: HookBody;
  caller: Caller;
  dev: DevControls;
  services: AppServices;
}

type Hook = (ctx: HookContext) => Promise<Record<string, unknown>>;

function integer(
  body: HookBody,
  name: string,
  rule: { min: number; max: number },
): number | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < rule.min || n > rule.max) {
    throw errors.invalidParameter(name, `It must be an integer from ${rule.min} to ${rule.max}.`);
  }
  return n;
}

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw errors.missingParameter(name);
  return value;
}

function text(body: HookBody, name: string, max = 256): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length === 0 || v.length > max) {
    throw errors.invalidParameter(name, `It must be a string of 1 to ${max} characters.`);
  }
  return v;
}

const jobId = (body: HookBody) => integer(body, 'JobId', { min: 1, max: Number.MAX_SAFE_INTEGER });

/** Every hook, by the path under `/_opentrail/` (docs/emulator.md). */
export const DEV_HOOKS: ReadonlyMap<string, Hook> = new Map<string, Hook>([
  [
    'reset',
    async ({ dev }) => {
      const key = await dev.reset();
      return { AccountId: key.accountId, AccessKeyId: key.accessKeyId };
    },
  ],
  [
    'seed',
    async ({ body, caller, services }) => {
      const { config, db, clock } = services;
      const count = required(integer(body, 'Events', { min: 1, max: 1_000_000 }), 'Events');
      const days = integer(body, 'Days', { min: 1, max: config.retention.days }) ?? 7;
      const regions = body.Regions === undefined ? config.regions : body.Regions;
      if (
        !Array.isArray(regions) ||
        regions.length === 0 ||
        !regions.every((r) => typeof r === 'string' && config.regions.includes(r))
      ) {
        throw errors.invalidParameter('Regions', 'It must list configured regions.');
      }
      // The history ends a minute ago, so every event is already in the past for LookupEvents.
      const now = Math.min(clock.now() - 60_000, clock.now() - 1);
      if (now - days * DAY_MS < clock.now() - config.retention.days * DAY_MS) {
        throw errors.invalidParameter('Days', 'The history must lie within the retention.');
      }
      const summary = await seedEvents({
        db,
        accounts: [caller.accountId],
        count,
        days,
        seed: integer(body, 'Seed', { min: 0, max: 2 ** 31 }) ?? 1,
        now,
        regions: regions as string[],
      });
      return {
        AccountId: caller.accountId,
        Generated: summary.generated,
        Inserted: summary.inserted,
        Duplicates: summary.duplicates,
        FirstEventTime: summary.firstEventTime ?? null,
        LastEventTime: summary.lastEventTime ?? null,
      };
    },
  ],
  [
    'clock',
    async ({ body, dev }) => {
      const seconds = required(
        integer(body, 'OffsetSeconds', { min: -10 * 365 * 86_400, max: 10 * 365 * 86_400 }),
        'OffsetSeconds',
      );
      const now = dev.setClockOffset(seconds * 1000);
      return { OffsetSeconds: seconds, Now: formatIsoSeconds(now) };
    },
  ],
  [
    'jobs/hold',
    async ({ body, dev }) => {
      const status = required(integer(body, 'Status', { min: 0, max: 1 }), 'Status') as 0 | 1;
      const id = jobId(body);
      await dev.hold(status, id);
      return { JobId: id ?? null, Status: status };
    },
  ],
  [
    'jobs/release',
    async ({ body, dev }) => {
      const id = jobId(body);
      dev.release(id);
      return { JobId: id ?? null };
    },
  ],
  [
    'jobs/fail',
    async ({ body, dev, services }) => {
      const id = jobId(body);
      const region = text(body, 'Region', 64);
      if (region !== undefined && !services.config.regions.includes(region)) {
        throw errors.invalidParameter('Region', 'It must be a configured region.');
      }
      const code = text(body, 'ErrorCode', 128) ?? 'InjectedFailure';
      const message =
        text(body, 'ErrorMessage', 1024) ?? 'Failure injected by /_opentrail/jobs/fail.';
      await dev.forceFailure(id, { code, message, region });
      return { JobId: id ?? null, Region: region ?? null, ErrorCode: code };
    },
  ],
  [
    'jobs/clear-failures',
    async ({ dev }) => {
      dev.clearFailures();
      return {};
    },
  ],
  [
    'faults',
    async ({ body, dev }) => {
      const action = required(text(body, 'Action', 128), 'Action');
      if (!ACTIONTRAIL_ACTIONS.has(action) && action !== 'PutEvents') {
        throw errors.invalidParameter(
          'Action',
          'It must be an ActionTrail Action name, or PutEvents (the ingest API).',
        );
      }
      const code = text(body, 'Code', 64) ?? 'ServiceUnavailable';
      if (!(FAULT_CODES as readonly string[]).includes(code)) {
        throw errors.invalidParameter('Code', `It must be one of ${FAULT_CODES.join(', ')}.`);
      }
      const count = integer(body, 'Count', { min: 1, max: 1_000_000 }) ?? 1;
      const retryAfterMs = integer(body, 'RetryAfterMs', { min: 1, max: 3_600_000 }) ?? 1000;
      dev.injectFault(action, code as FaultCode, count, retryAfterMs);
      return { Action: action, Code: code, Count: count, RetryAfterMs: retryAfterMs };
    },
  ],
  [
    'faults/clear',
    async ({ dev }) => {
      dev.clearFaults();
      return {};
    },
  ],
  [
    'rate-limits',
    async ({ body, dev }) => {
      const enabled = body.Enabled;
      if (typeof enabled !== 'boolean') {
        throw errors.invalidParameter('Enabled', 'It must be true or false.');
      }
      return { Enabled: enabled, Quotas: dev.setRateLimits(enabled) };
    },
  ],
]);
