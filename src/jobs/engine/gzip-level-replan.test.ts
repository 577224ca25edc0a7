import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openTestDatabase } from '../../../test/helpers/test-database.js';
import type { DatabaseHandle } from '../../db/open-database.js';
import { insertAccount } from '../../db/repositories/accounts.repository.js';
import { ManualClock } from '../../lib/clock.js';
import { createFileSink } from '../../sinks/file/file.sink.js';
import { EARLIER_GZIP_LEVELS } from '../../sinks/layouts/deterministic-gzip.js';
import type { Sink } from '../../sinks/sink.js';
import { insertTestHistoryJob, testEngine } from '../testing/engine-fixture.js';
import { MemoryEventSource } from '../testing/memory-event-source.js';
import { DEFAULT_ENGINE_OPTIONS, type EngineOptions } from './engine-options.js';

const T0 = Date.UTC(2026, 10, 25, 0, 0, 0);
const WORDS = [
  'ecs',
  'oss',
  'ram',
  'sls',
  'Describe',
  'Create',
  'Delete',
  'Instance',
  'Bucket',
  'Policy',
  'role',
  'user',
  'cn-hangzhou',
  'ap-southeast-1',
  'Success',
  'Read',
  'Write',
  'acs:ram::',
  'sts',
  'vpc',
];
const DAY = 86_400_000;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

/**
 * The gzip level is part of an OSS object's bytes and name. A chunk planned by a version that
 * compressed at another level, interrupted by a crash, is finished by this version under the
 * planned names (no second copy of any object).
 */
describe('a chunk planned with an earlier gzip level', () => {
  let h: DatabaseHandle;
  let root: string;
  const clock = new ManualClock(T0);
  const source = new MemoryEventSource();
  const options: EngineOptions = {
    ...DEFAULT_ENGINE_OPTIONS,
    sliceMs: 0,
    chunkSize: 60,
    inFlight: 1,
    historyFileCap: { maxEvents: 5, maxBytes: 2 ** 20 }, // 12 objects
  };

  beforeEach(async () => {
    h = await openTestDatabase();
    root = mkdtempSync(join(tmpdir(), 'opentrail-gzip-level-'));
    await insertAccount(h.db, { id: 'acct-a', created_at: T0 });
    // Some kilobytes of varied text per event: tiny inputs compress alike at every level.
    let x = 7;
    const word = () => {
      x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
      return WORDS[x % WORDS.length];
    };
    for (let i = 0; i < 60; i++) {
      const note = Array.from({ length: 300 }, word).join(' ');
      source.add({
        accountId: 'acct-a',
        region: 'cn-hangzhou',
        eventRW: 'Read',
        eventTime: T0 - 10 * DAY + i * 1000,
        json: JSON.stringify({ eventId: `ev-${i}`, acsRegion: 'cn-hangzhou', note }),
      });
    }
  });
  afterEach(async () => {
    await h.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('is finished under its planned names after a crash: no object twice', async () => {
    const file = createFileSink({ root });
    const earlier = EARLIER_GZIP_LEVELS[0] as number;
    let sends = 0;
    // The earlier version: its own level; it dies (hangs) after writing 4 of the 12 objects.
    const before: Sink = {
      kind: 'file',
      prepare: (content) => file.prepare({ ...content, gzipLevel: earlier }),
      deliver: (batch, signal) =>
        ++sends > 4 ? new Promise<never>(() => {}) : file.deliver(batch, signal),
    };
    const id = await insertTestHistoryJob(h, clock.now(), {
      accountId: 'acct-a',
      regions: ['cn-hangzhou'],
      cutoffSeq: source.events.length,
    });
    void testEngine({ h, clock, source, sink: before, options }, 'engine-a').runOnce();
    await vi.waitFor(() => expect(sends).toBe(5));
    const planned = (await h.db.selectFrom('delivery_batches').select('object_name').execute())
      .map((b) => b.object_name)
      .sort();
    expect(planned).toHaveLength(12);
    // The test's premise: this version names the same objects differently.
    const now = await file.prepare({
      accountId: 'acct-a',
      trailName: 'trail-one',
      region: 'cn-hangzhou',
      destination: { kind: 'oss', bucket: 'audit', prefix: '' },
      bucketStart: T0,
      firstSeq: 1,
      lastSeq: 5,
      events: source.events.slice(0, 5).map((e) => e.json),
    });
    const then = await before.prepare({
      ...now.content,
      events: source.events.slice(0, 5).map((e) => e.json),
    });
    expect(now.objectName).not.toBe(then.objectName);

    clock.advance(options.leaseMs + 1);
    await testEngine({ h, clock, source, sink: file, options }, 'engine-b').drain();
    const job = await h.db
      .selectFrom('delivery_jobs')
      .select('job_status')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(job.job_status).toBe(2);
    const files = filesUnder(root);
    expect(files.map((f) => f.slice(f.indexOf('AliyunLogs'))).sort()).toEqual(planned);
    const ids = files.flatMap((f) =>
      (JSON.parse(gunzipSync(readFileSync(f)).toString('utf8')) as { eventId: string }[]).map(
        (e) => e.eventId,
      ),
    );
    expect(new Set(ids).size).toBe(60);
    expect(ids).toHaveLength(60);
  });
});
