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

  it('records the nonces of concurrent requests in one commit: a replay among them is refused once', async () => {
    const handle = await openTestDatabase();
    try {
      const writer = new EventWriter(handle.db);
      const now = BASE_TIME;
      const window = now - 15 * 60_000;
      const audit = sampleEvent(BASE_TIME);
      const [a, replay, other, otherKey] = await Promise.all([
        writer.rememberNonce('LTAIkey1', 'n-1', now, window),
        writer.rememberNonce('LTAIkey1', 'n-1', now, window),
        writer.rememberNonce('LTAIkey1', 'n-2', now, window),
        writer.rememberNonce('LTAIkey2', 'n-1', now, window),
        writer.write('1000000000000001', audit),
      ]);
      expect([a, replay, other, otherKey]).toEqual([true, false, true, true]);
      // Later, still inside the window: refused; once the window has passed: fresh again.
      expect(await writer.rememberNonce('LTAIkey1', 'n-2', now + 1000, window)).toBe(false);
      expect(await writer.rememberNonce('LTAIkey1', 'n-2', now + 1000, now + 1)).toBe(true);
      const rows = await handle.db.selectFrom('events').select('event_id').execute();
      expect(rows).toEqual([{ event_id: audit.eventId }]);
    } finally {
      await handle.close();
    }
  });
});
