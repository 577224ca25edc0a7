import {
  lastUse,
  type Page,
  productsUsed,
  resourcesUsed,
  type UsageContext,
  usesWithin,
} from '../../domain/access-key-usage/access-key-usage.js';
import { errors } from '../../errors/api-error.js';
import { decodeKeyToken, encodeKeyToken } from '../../lib/key-token.js';
import { readInteger, readOptionalString, readRequiredString } from '../rpc/params.js';
import type { ActionContext, ActionDefinition } from './action.js';

function usageContext({ caller, services }: ActionContext): UsageContext {
  return {
    db: services.db,
    accountId: caller.accountId,
    now: services.clock.now(),
    retentionDays: services.config.retention.days,
  };
}

/**
 * `PageSize` (SDK: 0–100, default 20; 0 means the default **(choice)**) and `NextToken` (the
 * offset of the next row, opaque; absent on the last page).
 */
function readPage(ctx: ActionContext): Page {
  const size = readInteger(ctx.params, 'PageSize', { min: 0, max: 100, default: 20 });
  const token = decodeKeyToken(readOptionalString(ctx.params, 'NextToken'));
  if (token !== undefined && !/^\d{1,9}$/.test(token)) {
    throw errors.invalidParameter('NextToken', 'It is not a token this listing returned.');
  }
  return { offset: token === undefined ? 0 : Number(token), limit: size === 0 ? 20 : size };
}

function nextToken(page: Page, more: boolean) {
  return more ? { NextToken: encodeKeyToken(String(page.offset + page.limit)) } : {};
}

/** ActionTrail has service display names; opentrail knows only the event's serviceName **(choice)**. */
function serviceNames(serviceName: string) {
  return { ServiceName: serviceName, ServiceNameCn: serviceName, ServiceNameEn: serviceName };
}

function identityOf(detail: string): Record<string, unknown> {
  try {
    const e = JSON.parse(detail) as { userIdentity?: unknown };
    return e.userIdentity && typeof e.userIdentity === 'object'
      ? (e.userIdentity as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/**
 * GetAccessKeyLastUsedInfo: `AccessKey`. The key's latest event in the store; a key with no
 * stored event answers only `AccessKeyId` and `AccountId` **(choice)**.
 */
export const getAccessKeyLastUsedInfo: ActionDefinition = {
  name: 'GetAccessKeyLastUsedInfo',
  eventRW: 'Read',
  async handle(ctx) {
    const accessKey = readRequiredString(ctx.params, 'AccessKey');
    const last = await lastUse(usageContext(ctx), accessKey);
    const base = { AccessKeyId: accessKey, AccountId: ctx.caller.accountId };
    if (!last) return base;
    const who = identityOf(last.detail);
    const type = typeof who.type === 'string' ? who.type : '';
    return {
      ...base,
      AccountType: type,
      Detail: last.detail,
      OwnerId: typeof who.principalId === 'string' ? who.principalId : '',
      ...serviceNames(last.key),
      Source: last.source,
      UsedTimestamp: last.usedAt,
      UserName:
        type === 'root-account' ? 'root' : typeof who.userName === 'string' ? who.userName : '',
    };
  },
};

/** GetAccessKeyLastUsedProducts: `AccessKey`; one row per service, newest first. */
export const getAccessKeyLastUsedProducts: ActionDefinition = {
  name: 'GetAccessKeyLastUsedProducts',
  eventRW: 'Read',
  async handle(ctx) {
    const accessKey = readRequiredString(ctx.params, 'AccessKey');
    const uses = await productsUsed(usageContext(ctx), accessKey);
    return {
      Products: uses.map((u) => ({
        Detail: u.detail,
        ...serviceNames(u.key),
        Source: u.source,
        UsedTimestamp: u.usedAt,
      })),
    };
  },
};

/**
 * The Actions that list one kind of use of a key within a service (`AccessKey`,
 * `ServiceName`, paged): one row per distinct value of `column`, newest first.
 */
function usesWithinAction(
  name: string,
  list: string,
  field: string,
  column: Parameters<typeof usesWithin>[3],
): ActionDefinition {
  return {
    name,
    eventRW: 'Read',
    async handle(ctx) {
      const accessKey = readRequiredString(ctx.params, 'AccessKey');
      const service = readRequiredString(ctx.params, 'ServiceName');
      const page = readPage(ctx);
      const { items, more } = await usesWithin(usageContext(ctx), accessKey, service, column, page);
      return {
        [list]: items.map((u) => ({
          Detail: u.detail,
          [field]: u.key,
          Source: u.source,
          UsedTimestamp: u.usedAt,
        })),
        ...nextToken(page, more),
      };
    },
  };
}

/** GetAccessKeyLastUsedEvents: one row per event name. */
export const getAccessKeyLastUsedEvents = usesWithinAction(
  'GetAccessKeyLastUsedEvents',
  'Events',
  'EventName',
  'event_name',
);

/** GetAccessKeyLastUsedIps: one row per source IP. */
export const getAccessKeyLastUsedIps = usesWithinAction(
  'GetAccessKeyLastUsedIps',
  'Ips',
  'Ip',
  'source_ip',
);

/** GetAccessKeyLastUsedResources: `AccessKey`, `ServiceName`; one row per resource. */
export const getAccessKeyLastUsedResources: ActionDefinition = {
  name: 'GetAccessKeyLastUsedResources',
  eventRW: 'Read',
  async handle(ctx) {
    const accessKey = readRequiredString(ctx.params, 'AccessKey');
    const service = readRequiredString(ctx.params, 'ServiceName');
    const page = readPage(ctx);
    const { items, more } = await resourcesUsed(usageContext(ctx), accessKey, service, page);
    return {
      Resources: items.map((u) => ({
        Detail: u.detail,
        ResourceName: u.name,
        ResourceType: u.type,
        Source: u.source,
        UsedTimestamp: u.usedAt,
      })),
      ...nextToken(page, more),
    };
  },
};
