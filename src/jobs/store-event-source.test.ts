import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../test/helpers/test-database.js';
import type { DatabaseHandle } from '../db/open-database.js';
import { insertEvents } from '../db/repositories/events.repository.js';
import type { DataEventSelectorSet } from '../domain/data-event-selectors/selector-match.js';
import { formatIsoSeconds } from '../lib/time.js';
import type { ScopeFilter } from './event-source.js';
import { storeEventSource } from './store-event-source.js';

const A = '1000000000000001';
const T0 = Date.UTC(2026, 10, 1);
const event = (id: string, extra: Record<string, unknown> = {}) => ({
  eventId: id,
  eventName: 'DescribeInstances',
  serviceName: 'Ecs',
  acsRegion: 'cn-hangzhou',
  eventTime: formatIsoSeconds(T0 + Number(id.replace(/\D/g, '')) * 1000),
  ...extra,
});
const data = (id: string, eventName: string) =>
  event(id, { eventCategory: 'Data', serviceName: 'Oss', eventName, eventRW: 'Write' });
const PUT_OBJECT: DataEventSelectorSet = {
  selectors: [{ serviceName: 'Oss', readWriteType: 'Write', eventName: { equals: ['PutObject'] } }],
  isTrailAllRegion: true,
  trailRegionIds: [],
};

describe('the delivery scan and the Data-event rule', () => {
  let h: DatabaseHandle;
  const filter = (dataEvents?: DataEventSelectorSet): ScopeFilter => ({
    accountId: A,
    region: 'cn-hangzhou',
    eventRW: 'All',
    fromTime: 0,
    maxSeq: Number.MAX_SAFE_INTEGER,
    dataEvents,
  });
  const ids = (events: Array<{ json: string }>) =>
    events.map((e) => (JSON.parse(e.json) as { eventId: string }).eventId);

  beforeAll(async () => {
    h = await openTestDatabase();
    await insertEvents(h.db, A, [
      event('m1'),
      ...Array.from({ length: 10 }, (_, i) => data(`d${10 + i}`, 'GetObject')),
      data('d30', 'PutObject'),
      event('m40'),
    ]);
  });
  afterAll(() => h?.close());

  it('keeps management events and only the Data events a selector matches', async () => {
    const source = storeEventSource(h.db);
    expect(ids(await source.scan(filter(PUT_OBJECT), 0, 100))).toEqual(['m1', 'd30', 'm40']);
    expect(ids(await source.scan(filter(), 0, 100))).toEqual(['m1', 'm40']);
  });

  it('reads past pages the rule empties instead of ending the scope early', async () => {
    const source = storeEventSource(h.db);
    const first = await source.scan(filter(), 0, 3);
    expect(ids(first)).toEqual(['m1']);
    // The next page starts after m1 and holds only excluded Data events: it must go on.
    const next = await source.scan(filter(), first[0]?.seq ?? 0, 3);
    expect(ids(next)).toEqual(['m40']);
    expect(await source.scan(filter(), next[0]?.seq ?? 0, 3)).toEqual([]);
  });

  it('re-reads a planned batch with the same rule', async () => {
    const source = storeEventSource(h.db);
    const all = await source.scan(filter(PUT_OBJECT), 0, 100);
    const again = await source.batch(filter(PUT_OBJECT), {
      firstSeq: all[0]?.seq ?? 0,
      lastSeq: all[all.length - 1]?.seq ?? 0,
      from: 0,
      to: Number.MAX_SAFE_INTEGER,
    });
    expect(ids(again)).toEqual(ids(all));
  });
});
