import { describe, expect, it } from 'vitest';
import { BASE_TIME, sampleEvent } from '../../../test/helpers/sample-events.js';
import { openTestDatabase } from '../../../test/helpers/test-database.js';
import type { EventObject } from '../../db/repositories/event-columns.js';
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
  it('stores an event given with its nonce only when the nonce is fresh, in the same commit', async () => {
    const handle = await openTestDatabase();
    try {
      const writer = new EventWriter(handle.db);
      const now = BASE_TIME;
      const nonce = (n: string, at = now) => ({
        accessKeyId: 'LTAIkey1',
        nonce: n,
        now: at,
        windowStart: at - 15 * 60_000,
      });
      const [first, replayBefore, second, replayInGroup, plain] = [1, 2, 3, 4, 5].map(() =>
        sampleEvent(BASE_TIME),
      ) as [EventObject, EventObject, EventObject, EventObject, EventObject];
      expect(await writer.rememberNonce('LTAIkey1', 'seen', now - 1000, now - 60_000)).toBe(true);
      const stored = await Promise.all([
        writer.write('1000000000000001', first, nonce('a')),
        writer.write('1000000000000001', replayBefore, nonce('seen')),
        writer.write('1000000000000001', second, nonce('b')),
        // The same nonce twice in one group: the first sighting wins, wherever it stands.
        writer.write('1000000000000001', replayInGroup, nonce('a')),
        writer.write('1000000000000001', plain),
      ]);
      expect(stored).toEqual([true, false, true, false, true]);
      const rows = await handle.db.selectFrom('events').select('event_id').orderBy('seq').execute();
      expect(rows.map((r) => r.event_id)).toEqual([first, second, plain].map((e) => e.eventId));
      // Recorded: a later plain nonce check refuses them.
      expect(await writer.rememberNonce('LTAIkey1', 'b', now + 1000, now - 60_000)).toBe(false);
    } finally {
      await handle.close();
    }
  });

  it('judges each nonce by its own window, in one group or spread over several', async () => {
    const handle = await openTestDatabase();
    try {
      const writer = new EventWriter(handle.db);
      const now = BASE_TIME;
      // Seen 10 s ago.
      await Promise.all([
        writer.rememberNonce('LTAIkey1', 'seen', now - 10_000, now - 70_000),
        writer.rememberNonce('LTAIkey1', 'seen-too', now - 10_000, now - 70_000),
      ]);
      // Same window length for the whole group (the batched statement on PostgreSQL): a 60 s
      // window still holds the first sighting; a 5 s one no longer does.
      expect(
        await Promise.all([
          writer.rememberNonce('LTAIkey1', 'seen', now, now - 60_000),
          writer.rememberNonce('LTAIkey1', 'fresh', now, now - 60_000),
        ]),
      ).toEqual([false, true]);
      // Mixed window lengths in one group.
      expect(
        await Promise.all([
          writer.rememberNonce('LTAIkey1', 'seen-too', now, now - 5_000),
          writer.rememberNonce('LTAIkey1', 'fresh', now + 1, now - 60_000),
        ]),
      ).toEqual([true, false]);
    } finally {
      await handle.close();
    }
  });

  it('commits what arrives while a group is committing in the next group, nothing lost', async () => {
    const handle = await openTestDatabase();
    try {
      const writer = new EventWriter(handle.db);
      const events = Array.from({ length: 30 }, () => sampleEvent(BASE_TIME));
      const pending: Promise<boolean>[] = [];
      // Ten turns of the event loop, three writes each: later ones meet a group in flight.
      for (let turn = 0; turn < 10; turn++) {
        for (const e of events.slice(turn * 3, turn * 3 + 3)) {
          pending.push(writer.write('1000000000000001', e));
        }
        await new Promise((r) => setImmediate(r));
      }
      await Promise.all(pending);
      const rows = await handle.db.selectFrom('events').select('event_id').orderBy('seq').execute();
      expect(rows.map((r) => r.event_id)).toEqual(events.map((e) => e.eventId));
    } finally {
      await handle.close();
    }
  });
});
