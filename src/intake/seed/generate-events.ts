import { DAY_MS } from '../../lib/time.js';
import { consoleAgent, identity, TimeFormatter } from './event-parts.js';
import { SIGNIN_ERRORS, USER_AGENTS } from './identity-catalog.js';
import { createRng, type Rng } from './prng.js';
import { type Operation, SeedWorld } from './seed-world.js';
import { sortedTimes } from './time-spread.js';

export interface GenerateEventsOptions {
  count: number;
  /** Length of the history; events fall in [now − days, now]. */
  days: number;
  /** Recipient accounts; the first ones get more traffic. */
  accounts: readonly string[];
  seed: number | string;
  now: number;
  /** Configured regions; the first ones get more traffic, global services report in the first. */
  regions: readonly string[];
  /** Local time of the callers, for the office-hours rhythm (default 8: China Standard Time). */
  utcOffsetHours?: number;
}

export type GeneratedEvent = Record<string, unknown>;

/** Event-type mix: the rest are API calls (a share of console ones become ConsoleOperation). */
const SIGNIN_SHARE = 0.02;
const SERVICE_EVENT_SHARE = 0.015;
const CONSOLE_OPERATION_SHARE = 0.35;
const ERROR_SHARE = 0.03;

/**
 * A deterministic, realistic ActionTrail history, lazily: events are built one at a time in
 * ascending eventTime, so any count streams in constant memory. Same options → same events.
 * Every event passes `validateEvent` for its account given the same regions and a retention of at
 * least `days`.
 */
export function* generateEvents(options: GenerateEventsOptions): Generator<GeneratedEvent> {
  const { count, days, accounts, now, regions } = options;
  if (!Number.isInteger(count) || count < 0) throw new RangeError('count must be an integer ≥ 0');
  if (!(days > 0)) throw new RangeError('days must be > 0');
  if (accounts.length === 0) throw new RangeError('at least one account is needed');
  if (regions.length === 0) throw new RangeError('at least one region is needed');

  const rng = createRng(options.seed);
  const world = new SeedWorld(createRng(`${options.seed}/world`), accounts, regions);
  // Whole seconds inside the span, so the formatted times stay within [now − days, now].
  const start = Math.ceil((now - days * DAY_MS) / 1000) * 1000;
  const times = sortedTimes(rng, {
    count,
    start,
    end: Math.max(start, now),
    utcOffsetHours: options.utcOffsetHours ?? 8,
  });
  const clock = new TimeFormatter();
  for (const t of times) {
    clock.set(t);
    const roll = rng.next();
    if (roll < SIGNIN_SHARE) yield signinEvent(world, rng, clock);
    else if (roll < SIGNIN_SHARE + SERVICE_EVENT_SHARE) yield serviceEvent(world, rng, clock);
    else yield apiCall(world, rng, clock);
  }
}

function apiCall(world: SeedWorld, rng: Rng, clock: TimeFormatter): GeneratedEvent {
  const account = world.pickAccount(rng);
  const actor = account.pickActor(rng);
  const service = world.pickService(rng);
  const isRead = rng.chance(actor.template.readShare);
  const ops = isRead || service.writes.length === 0 ? service.reads : service.writes;
  // Earlier operations in each list are the everyday ones: skew towards them.
  const op = ops[Math.floor(rng.next() ** 1.6 * ops.length)] as Operation;
  const regionIndex = service.spec.global ? 0 : world.pickRegion(rng);
  const region = world.regions[regionIndex] as string;
  const agent = actor.pickAgent(rng);
  const viaConsole = agent === 'console';
  const requestId = rng.uuid();

  const params: Record<string, unknown> = { RegionId: region };
  const event: GeneratedEvent = {
    eventId: rng.uuid(),
    eventVersion: '1',
    eventCategory: 'Management',
    eventType: viaConsole && rng.chance(CONSOLE_OPERATION_SHARE) ? 'ConsoleOperation' : 'ApiCall',
    eventName: op.name,
    eventRW: op.rw,
    eventSource: service.hosts[regionIndex],
    eventTime: clock.text,
    serviceName: service.spec.serviceName,
    apiVersion: service.spec.apiVersion,
    acsRegion: region,
    requestId,
    sourceIpAddress: rng.pick(actor.ips),
    userAgent: viaConsole ? consoleAgent(service, rng) : rng.pick(USER_AGENTS[agent]),
    userIdentity: identity(account, actor, rng, clock, !viaConsole),
    requestParameters: params,
    additionalEventData: { Scheme: rng.chance(0.95) ? 'https' : 'http' },
    recipientAccountId: account.id,
  };
  if (service.spec.global) event.isGlobal = true;

  let resourceId: string | undefined;
  if (op.kind !== undefined) {
    const kind = service.kinds[op.kind];
    if (kind) {
      resourceId = rng.pick(world.resourceIds(account, kind, region));
      if (!op.assignsId) {
        params[kind.param] =
          kind.param === 'RoleArn' ? `acs:ram::${account.id}:role/${resourceId}` : resourceId;
      }
      event.resourceType = kind.type;
      event.resourceName = resourceId;
      if (kind.param === 'RoleArn') {
        params.RoleSessionName = `session-${rng.alnum(6)}`;
        event.referencedResources = { [kind.type]: [resourceId] };
      }
    }
  } else if (op.paged) {
    params.PageSize = 50;
    params.PageNumber = 1 + (rng.chance(0.2) ? rng.int(4) : 0);
    const kind = service.kinds[0];
    if (kind?.id === 'regional' && rng.chance(0.15)) {
      // Filtering by a list of ids is how SDK clients poll their fleet.
      const pool = world.resourceIds(account, kind, region);
      const ids = Array.from({ length: 2 + rng.int(20) }, () => rng.pick(pool));
      params[`${kind.param}s`] = JSON.stringify(ids);
    }
  }
  if (op.payload) params[op.payload] = world.payload(op.payload, rng);
  if (op.creates) {
    params.ClientToken = rng.uuid().toLowerCase();
    const tags = rng.int(4);
    for (let i = 1; i <= tags; i++) {
      params[`Tag.${i}.Key`] = rng.pick(['env', 'team', 'owner', 'cost-center']);
      params[`Tag.${i}.Value`] = rng.pick(['prod', 'staging', 'platform', 'data', 'web']);
    }
  }

  if (rng.chance(ERROR_SHARE)) {
    const [code, message] = rng.pick(service.errors);
    event.errorCode = code;
    event.errorMessage = message;
  } else if (op.rw === 'Write') {
    event.responseElements =
      op.assignsId && op.kind !== undefined && resourceId
        ? { RequestId: requestId, [service.kinds[op.kind]?.param ?? 'Id']: resourceId }
        : { RequestId: requestId };
  }
  return event;
}

function signinEvent(world: SeedWorld, rng: Rng, clock: TimeFormatter): GeneratedEvent {
  const account = world.pickAccount(rng);
  const actor = rng.pick(account.signers);
  const signout = rng.chance(0.15);
  const mfa = rng.chance(0.6);
  const name = actor.template.name;
  const event: GeneratedEvent = {
    eventId: rng.uuid(),
    eventVersion: '1',
    eventCategory: 'Management',
    eventType: signout ? 'ConsoleSignout' : 'ConsoleSignin',
    eventName: signout ? 'ConsoleSignout' : 'ConsoleSignin',
    eventRW: 'Write',
    eventSource: 'signin.aliyun.com',
    eventTime: clock.text,
    serviceName: 'AasSub',
    acsRegion: world.regions[0],
    requestId: rng.uuid(),
    sourceIpAddress: rng.pick(actor.ips),
    userAgent: rng.pick(USER_AGENTS.console),
    userIdentity: identity(account, actor, rng, clock, false, mfa),
    additionalEventData: {
      loginAccount:
        actor.template.type === 'root-account'
          ? `admin@${account.company}.com`
          : `${name}@${account.id}.onaliyun.com`,
      MFAUsed: mfa ? 'true' : 'false',
      CallbackUrl: 'https://home.console.aliyun.com/',
    },
    recipientAccountId: account.id,
  };
  if (!signout && rng.chance(0.06)) {
    const [code, message] = rng.pick(SIGNIN_ERRORS);
    event.errorCode = code;
    event.errorMessage = message;
  }
  return event;
}

function serviceEvent(world: SeedWorld, rng: Rng, clock: TimeFormatter): GeneratedEvent {
  const account = world.pickAccount(rng);
  const service = rng.pick(world.serviceEventServices);
  const regionIndex = world.pickRegion(rng);
  const region = world.regions[regionIndex] as string;
  const host = `${service.spec.serviceName.toLowerCase()}.aliyuncs.com`;
  const event: GeneratedEvent = {
    eventId: rng.uuid(),
    eventVersion: '1',
    eventCategory: 'Management',
    eventType: 'AliyunServiceEvent',
    eventName: rng.pick(service.spec.serviceEvents ?? ['ServiceEvent']),
    eventRW: 'Write',
    eventSource: service.hosts[regionIndex],
    eventTime: clock.text,
    serviceName: service.spec.serviceName,
    acsRegion: region,
    requestId: rng.uuid(),
    sourceIpAddress: host,
    userAgent: host,
    userIdentity: { type: 'system', principalId: host, accountId: account.id, userName: host },
    recipientAccountId: account.id,
  };
  const kind = service.kinds[0];
  if (kind) {
    const id = rng.pick(world.resourceIds(account, kind, region));
    event.requestParameters = { RegionId: region, [kind.param]: id };
    event.resourceType = kind.type;
    event.resourceName = id;
  }
  return event;
}
