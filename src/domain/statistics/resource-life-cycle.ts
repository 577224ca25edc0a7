import type { Kysely } from 'kysely';
import { eventDay } from '../../db/repositories/event-columns.js';
import { resourceEventNames } from '../../db/repositories/event-statistics.repository.js';
import type { Database } from '../../db/schema.js';
import { DAY_MS } from '../../lib/time.js';

/**
 * DescribeResourceLifeCycleEvents: which event names create and which delete each resource type,
 * as the SDK example nests them (service → resource type → "Create Events" / "Delete Events",
 * `value` a comma list of event names). ActionTrail answers from its own catalogue; opentrail
 * derives it from the events it holds (retained days), by the verb an event name starts with
 * **(choice)**. Labels are the service and type ids, as there are no display names.
 */
const CREATE = /^(Create|Run|Allocate|Add|Import|Purchase|Open)[A-Z]?/;
const DELETE = /^(Delete|Release|Remove|Destroy|Terminate|Close)[A-Z]?/;

export interface LifeCycleNode {
  label: string;
  labelEn: string;
  value: string;
  children?: LifeCycleNode[];
}

export async function lifeCycleEvents(
  ctx: { db: Kysely<Database>; accountId: string; now: number; retentionDays: number },
  filter: { serviceName?: string | undefined; resourceType?: string | undefined },
): Promise<LifeCycleNode[]> {
  const rows = await resourceEventNames(
    ctx.db,
    ctx.accountId,
    eventDay(ctx.now - ctx.retentionDays * DAY_MS),
    eventDay(ctx.now) + 1,
    { resourceType: filter.resourceType },
  );
  const wanted = filter.serviceName?.toLowerCase();
  const tree = new Map<string, Map<string, { create: Set<string>; delete: Set<string> }>>();
  for (const r of rows) {
    if (wanted !== undefined && r.service.toLowerCase() !== wanted) continue;
    const kind = CREATE.test(r.name) ? 'create' : DELETE.test(r.name) ? 'delete' : undefined;
    if (!kind) continue;
    const types = tree.get(r.service) ?? new Map();
    tree.set(r.service, types);
    const names = types.get(r.type) ?? { create: new Set<string>(), delete: new Set<string>() };
    types.set(r.type, names);
    names[kind].add(r.name);
  }
  const sorted = <T>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  return sorted(tree).map(([service, types]) => ({
    label: service,
    labelEn: service,
    value: service,
    children: sorted(types).map(([type, names]) => ({
      label: type,
      labelEn: type,
      value: type,
      children: [
        ...(names.create.size > 0 ? [group('Create Events', names.create)] : []),
        ...(names.delete.size > 0 ? [group('Delete Events', names.delete)] : []),
      ],
    })),
  }));
}

function group(label: string, names: Set<string>): LifeCycleNode {
  return { label, labelEn: label, value: [...names].sort().join(',') };
}
