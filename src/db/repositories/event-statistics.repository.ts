import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/**
 * Stored events per UTC day for one account (DescribeUserLogCount): an index-only count over
 * `events_time` (account_id, event_day, …), confined to the asked days so PostgreSQL prunes
 * the other day partitions.
 */
export async function countEventsPerDay(
  db: Kysely<Database>,
  accountId: string,
  firstDay: number,
  lastDay: number,
): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('events')
    .where('account_id', '=', accountId)
    .where('event_day', '>=', firstDay)
    .where('event_day', '<=', lastDay)
    .select(['event_day', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('event_day')
    .execute();
  return new Map(rows.map((r) => [Number(r.event_day), Number(r.n)]));
}

/** Distinct (service, resource type, event name) the account's resource index holds. */
export async function resourceEventNames(
  db: Kysely<Database>,
  accountId: string,
  firstDay: number,
  lastDay: number,
  filter: { resourceType?: string | undefined },
): Promise<Array<{ service: string; type: string; name: string }>> {
  let q = db
    .selectFrom('event_resources')
    .where('account_id', '=', accountId)
    .where('event_day', '>=', firstDay)
    .where('event_day', '<=', lastDay)
    .where('resource_type', '!=', '')
    .where('service_name', 'is not', null)
    .where('event_name', 'is not', null);
  if (filter.resourceType !== undefined) q = q.where('resource_type', '=', filter.resourceType);
  const rows = await q.select(['service_name', 'resource_type', 'event_name']).distinct().execute();
  return rows.map((r) => ({
    service: String(r.service_name),
    type: r.resource_type,
    name: String(r.event_name),
  }));
}
