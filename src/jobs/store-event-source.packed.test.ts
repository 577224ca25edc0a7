import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DB } from '../../test/helpers/test-database.js';
import { type DatabaseHandle, openDatabase } from '../db/open-database.js';
import { insertEvents } from '../db/repositories/events.repository.js';
import { closeScanThread } from '../db/repositories/events-scan-thread.js';
import { formatIsoSeconds } from '../lib/time.js';
import { buildSlsBody, closeBodyThread } from '../sinks/layouts/body-threads.js';
import { prepareOssBatch } from '../sinks/layouts/oss-layout.js';
import { prepareSlsBatch } from '../sinks/layouts/sls-layout.js';
import type { BatchContent, Destination } from '../sinks/sink.js';
import { sequenceBatching } from './batching/sequence.batching.js';
import type { ScopeFilter, StoredEvent } from './event-source.js';
import { PackedStoredEvent, packedRangeOf, releaseChunksOf } from './packed-stored-event.js';
import { storeEventSource } from './store-event-source.js';

/**
 * The scan thread ([G] round 6) reads a SQLite file on its own connection and hands the engine
 * packed bytes instead of strings. What a user sees must not change: the same events in scope,
 * and byte for byte the same files (SLS and OSS layouts) as from the texts.
 */
const A = '1000000000000001';
const T0 = Date.UTC(2026, 10, 1);
const event = (n: number, extra: Record<string, unknown> = {}) => ({
  eventId: `e${n}`,
  eventName: 'DescribeInstances',
  serviceName: 'Ecs',
  acsRegion: 'cn-hangzhou',
  eventTime: formatIsoSeconds(T0 + n * 1000),
  // Non-ASCII, quotes, a backslash and control characters: what the byte-level escape handles.
  requestParameters: { name: `实例 "${n}" \\ é\u0001\t\b\f\r\n\u007f\u2028😀</>` },
  ...extra,
});
const data = (n: number) =>
  event(n, { eventCategory: 'Data', serviceName: 'Oss', eventName: 'GetObject' });

describe.skipIf(TEST_DB !== 'sqlite')('the delivery scan on its own thread (SQLite file)', () => {
  let dir: string;
  let h: DatabaseHandle;
  const filter: ScopeFilter = {
    accountId: A,
    region: 'cn-hangzhou',
    eventRW: 'All',
    fromTime: 0,
    maxSeq: Number.MAX_SAFE_INTEGER,
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ot-scan-thread-'));
    h = await openDatabase({ databasePath: path.join(dir, 'opentrail.db') });
    // Data events no selector matches, at the start, inside and in a whole page of their own.
    const events = [data(0)];
    for (let n = 1; n <= 300; n++)
      events.push(n % 37 === 0 || (n > 200 && n <= 230) ? data(n) : event(n));
    await insertEvents(h.db, A, events);
  });
  afterAll(async () => {
    await closeScanThread();
    await closeBodyThread();
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Every event in scope, page by page, as the engine reads them; texts kept to compare. */
  async function readAll(limit: number) {
    const source = storeEventSource(h.db);
    const all: { seq: number; eventTime: number; json: string; packed: boolean }[] = [];
    for (let after = 0; ; ) {
      const page = await source.scan(filter, after, limit);
      if (page.length === 0) return all;
      for (const e of page) {
        all.push({
          seq: e.seq,
          eventTime: e.eventTime,
          json: e.json,
          packed: e instanceof PackedStoredEvent,
        });
      }
      after = (page[page.length - 1] as StoredEvent).seq;
      releaseChunksOf(page);
    }
  }

  it('reads the same events in scope as the main connection, Data events left out', async () => {
    const packed = await readAll(25);
    expect(packed.every((e) => e.packed)).toBe(true);
    const ids = packed.map((e) => (JSON.parse(e.json) as { eventId: string }).eventId);
    const expected = Array.from({ length: 301 }, (_, n) => n)
      .filter((n) => n > 0 && n % 37 !== 0 && !(n > 200 && n <= 230))
      .map((n) => `e${n}`);
    expect(ids).toEqual(expected);
    // The texts as stored, byte for byte: the re-read path (main connection) gives the same.
    const again = await storeEventSource(h.db).batch(filter, {
      firstSeq: 1,
      lastSeq: Number.MAX_SAFE_INTEGER,
      from: 0,
      to: Number.MAX_SAFE_INTEGER,
    });
    expect(packed.map(({ packed: _, ...e }) => e)).toEqual(
      again.map((e) => ({ seq: e.seq, eventTime: e.eventTime, json: e.json })),
    );
  });

  it('gives the same SLS-layout and OSS-layout files as the event texts', async () => {
    const source = storeEventSource(h.db);
    const page = await source.scan(filter, 0, 120);
    const range = packedRangeOf(page);
    expect(range).toBeDefined();
    const base = {
      accountId: A,
      trailName: 't',
      region: 'cn-hangzhou',
      bucketStart: T0,
      firstSeq: (page[0] as StoredEvent).seq,
      lastSeq: (page[page.length - 1] as StoredEvent).seq,
      eventTimes: page.map((e) => e.eventTime),
    };
    const texts = page.map((e) => e.json);
    const sls: Destination = {
      kind: 'sls',
      project: 'p',
      logstore: 'l',
      region: 'cn-hangzhou',
      accountId: A,
    };
    const oss: Destination = { kind: 'oss', bucket: 'b', prefix: 'x' };
    const slsOf = (c: BatchContent) => prepareSlsBatch(c, buildSlsBody);
    for (const [destination, prepare] of [
      [sls, slsOf],
      [oss, prepareOssBatch],
    ] as const) {
      const fromTexts = await prepare({ ...base, destination, events: texts });
      const fromBytes = await prepare({ ...base, destination, events: [], packed: range });
      expect(fromBytes.objectName).toBe(fromTexts.objectName);
      expect(fromBytes.body.equals(fromTexts.body)).toBe(true);
      expect(fromBytes.count).toBe(page.length);
      expect(fromBytes.content.packed).toBeUndefined();
    }
    // Batching reads sizes from the chunk, not the texts: the same batches either way.
    const byBytes = sequenceBatching({ maxLogs: 4096, maxBytes: 20_000 }).group(page);
    const byTexts = sequenceBatching({ maxLogs: 4096, maxBytes: 20_000 }).group(
      page.map((e) => ({ seq: e.seq, eventTime: e.eventTime, json: e.json })),
    );
    expect(byBytes.map((g) => g.events.length)).toEqual(byTexts.map((g) => g.events.length));
    expect(byBytes.length).toBeGreaterThan(1);
    releaseChunksOf(page);
  });

  it('reads on the main connection when the thread dies before answering', async () => {
    await closeScanThread();
    const source = storeEventSource(h.db);
    // A fresh thread needs milliseconds to start: stopped at once, it never answers.
    const scanning = source.scan(filter, 0, 1000);
    await closeScanThread();
    const page = await scanning;
    expect(page.some((e) => e instanceof PackedStoredEvent)).toBe(false);
    expect(page.map((e) => e.json)).toEqual((await readAll(1000)).map((e) => e.json));
  });

  it('sees events committed after its connection opened', async () => {
    const before = await readAll(1000);
    await insertEvents(h.db, A, [event(400)]);
    const after = await readAll(1000);
    expect(after.length).toBe(before.length + 1);
    expect(JSON.parse((after.at(-1) as { json: string }).json).eventId).toBe('e400');
  });
});
