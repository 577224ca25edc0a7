import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BASE_TIME, type SampleEvent, sampleEvent } from '../../../test/helpers/sample-events.js';
import { openTestDatabase } from '../../../test/helpers/test-database.js';
import type { DatabaseHandle } from '../../db/open-database.js';
import { insertAccount } from '../../db/repositories/accounts.repository.js';
import { DAY_MS, HOUR_MS } from '../../lib/time.js';
import { IngestBatchWriter } from './ingest-batch-writer.js';
import { ingestEvents } from './ingest-events.js';

let handle: DatabaseHandle;
const ctx = {
  accountId: '1000000000000001',
  now: BASE_TIME,
  retentionMs: 90 * DAY_MS,
  regions: ['cn-hangzhou', 'cn-shanghai'],
  defaultRegion: 'cn-shanghai',
};

async function storedIds(accountId = ctx.accountId): Promise<string[]> {
  const rows = await handle.db
    .selectFrom('events')
    .select('event_id')
    .where('account_id', '=', accountId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => r.event_id);
}

beforeEach(async () => {
  handle = await openTestDatabase();
  await insertAccount(handle.db, { id: ctx.accountId, created_at: 0 });
});
afterEach(async () => {
  await handle.close();
});

describe('ingestEvents', () => {
  it('stores the valid events and lists the others with position, id and reason', async () => {
    const good = sampleEvent(BASE_TIME - HOUR_MS);
    const late = sampleEvent(BASE_TIME + HOUR_MS);
    const outcome = await ingestEvents(handle.db, ctx, [
      { value: late },
      { unreadable: 'the line is not valid JSON: x' },
      { value: good },
      { value: { eventId: 7 } },
    ]);
    expect(outcome.accepted).toBe(1);
    expect(outcome.duplicates).toBe(0);
    expect(outcome.rejected).toEqual([
      { index: 0, eventId: late.eventId, code: 'InvalidEventTime', message: expect.any(String) },
      { index: 1, eventId: '', code: 'InvalidEvent', message: 'the line is not valid JSON: x' },
      { index: 3, eventId: '', code: 'InvalidEvent', message: 'eventName is missing' },
    ]);
    expect(await storedIds()).toEqual([good.eventId]);
  });

  it('counts a retried batch, and a repeat inside one batch, as duplicates', async () => {
    const noId = { ...sampleEvent(BASE_TIME - HOUR_MS), eventId: undefined, acsRegion: undefined };
    const withId = sampleEvent(BASE_TIME - HOUR_MS);
    const batch = [{ value: noId }, { value: withId }, { value: noId }];
    expect(await ingestEvents(handle.db, ctx, batch)).toMatchObject({ accepted: 2, duplicates: 1 });
    expect(await ingestEvents(handle.db, ctx, batch)).toMatchObject({ accepted: 0, duplicates: 3 });
    const row = await handle.db
      .selectFrom('events')
      .select('event_json')
      .where('event_id', '!=', String(withId.eventId))
      .executeTakeFirstOrThrow();
    // Derived id, the request's region, and the caller as recipient.
    expect(JSON.parse(row.event_json)).toMatchObject({
      eventId: expect.stringMatching(/^[0-9A-F-]{36}$/),
      acsRegion: 'cn-shanghai',
      recipientAccountId: ctx.accountId,
    });
  });
});

describe('IngestBatchWriter', () => {
  it('says when a batch is full and stores each batch in one go', async () => {
    const writer = new IngestBatchWriter(handle.db, 2);
    const events = [0, 1, 2].map((i) => sampleEvent(BASE_TIME - i * 1000));
    expect(writer.add(ctx.accountId, events[0] as SampleEvent)).toBe(false);
    expect(writer.add(ctx.accountId, events[1] as SampleEvent)).toBe(true);
    await writer.flush();
    expect(writer.pendingCount).toBe(0);
    writer.add(ctx.accountId, events[2] as SampleEvent);
    writer.add(ctx.accountId, events[0] as SampleEvent);
    await writer.flush();
    expect({ inserted: writer.inserted, duplicates: writer.duplicates }).toEqual({
      inserted: 3,
      duplicates: 1,
    });
    expect(() => new IngestBatchWriter(handle.db, 0)).toThrow(RangeError);
  });
});
