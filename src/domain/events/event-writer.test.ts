import { describe, expect, it } from 'vitest';
import { BASE_TIME, sampleEvent } from '../../../test/helpers/sample-events.js';
import { openTestDatabase } from '../../../test/helpers/test-database.js';
import { EventWriter } from './event-writer.js';

describe('EventWriter', () => {
  it('settles each write only once its event is committed, several accounts at once', async () => {
    const handle = await openTestDatabase();
    try {
      const writer = new EventWriter(handle.db);
      const events = [sampleEvent(BASE_TIME), sampleEvent(BASE_TIME), sampleEvent(BASE_TIME)];
      await Promise.all([
        writer.write('1000000000000001', events[0] ?? {}),
        writer.write('1000000000000002', events[1] ?? {}),
        writer.write('1000000000000001', events[2] ?? {}),
      ]);
      const rows = await handle.db
        .selectFrom('events')
        .select(['account_id', 'event_id'])
        .orderBy('seq')
        .execute();
      expect(rows).toEqual([
        { account_id: '1000000000000001', event_id: events[0]?.eventId },
        { account_id: '1000000000000002', event_id: events[1]?.eventId },
        { account_id: '1000000000000001', event_id: events[2]?.eventId },
      ]);
    } finally {
      await handle.close();
    }
  });

  it('fails every write of a batch that could not be committed, and keeps working', async () => {
    const handle = await openTestDatabase();
    try {
      const writer = new EventWriter(handle.db);
      const results = await Promise.allSettled([
        writer.write('1000000000000001', sampleEvent(BASE_TIME)),
        writer.write('1000000000000001', { eventId: 'no-time' }),
      ]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      await writer.write('1000000000000001', sampleEvent(BASE_TIME));
      const rows = await handle.db.selectFrom('events').select('seq').execute();
      expect(rows).toHaveLength(1);
    } finally {
      await handle.close();
    }
  });
});
