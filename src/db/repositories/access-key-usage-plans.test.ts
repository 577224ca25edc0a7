import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryPlan, summarizePlan } from '../../../test/helpers/query-plan.js';
import { openTestDatabase } from '../../../test/helpers/test-database.js';
import type { DatabaseHandle } from '../open-database.js';
import {
  eventAtQuery,
  type KeyScope,
  lastUsePerQuery,
  lastUsePerResourceQuery,
  type UsageColumn,
} from './access-key-usage.repository.js';

// SQLite only (the unit project): its planner has no statistics. With an index led by
// (account, day), as `events_access_key` was before migration 0014, it read the account's day
// range: every key's entries of the account, ~110 ms for one key of a 1 M-event account
// instead of ~1–9 ms ([G] round 7). Now the key's own index leads with (account, key, day).

const SCOPE: KeyScope = {
  accountId: '1000000000000001',
  accessKeyId: 'LTAI5tExample',
  firstDay: 20_000,
  lastDay: 20_180,
};
const COLUMNS: UsageColumn[] = ['service_name', 'event_name', 'source_ip'];

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(async () => {
  await handle.close();
});

async function eventsIndexes(query: Parameters<typeof queryPlan>[1]): Promise<string[]> {
  const plan = summarizePlan(await queryPlan(handle.db, query));
  expect(plan.fullScans).toEqual([]);
  return plan.indexSearches.filter((s) => s.startsWith('events.'));
}

describe('GetAccessKeyLastUsed* queries on SQLite', () => {
  it('read the key’s own entries of events_access_key, never the account’s day range', async () => {
    const queries = [
      ...COLUMNS.flatMap((c) => [
        lastUsePerQuery(handle.db, SCOPE, c),
        lastUsePerQuery(handle.db, SCOPE, c, 'Ecs'),
      ]),
      lastUsePerResourceQuery(handle.db, SCOPE, 'Ecs'),
      eventAtQuery(handle.db, SCOPE, 1_700_000_000_000, undefined),
      eventAtQuery(handle.db, SCOPE, 1_700_000_000_000, { column: 'source_ip', value: '10.0.0.1' }),
      eventAtQuery(handle.db, SCOPE, 1_700_000_000_000, undefined, 'Ecs'),
    ];
    for (const q of queries) {
      expect(await eventsIndexes(q), q.compile().sql).toEqual(['events.events_access_key']);
      // The key is part of the search, not a filter over the account's entries.
      const search = (await queryPlan(handle.db, q)).find((l) => l.includes('events_access_key'));
      expect(search).toMatch(
        /\(account_id=\? AND access_key_id=\? AND event_day>\? AND event_day<\?\)/,
      );
    }
  });

  it('look the resource rows up by the key’s event sequences, not the account’s day range', async () => {
    const plan = summarizePlan(
      await queryPlan(handle.db, lastUsePerResourceQuery(handle.db, SCOPE, 'Ecs')),
    );
    expect(plan.fullScans).toEqual([]);
    expect(plan.indexSearches).toEqual([
      'event_resources.sqlite_autoindex_event_resources_1',
      'events.events_access_key',
    ]);
  });
});
