/**
 * What partition maintenance costs concurrent work on PostgreSQL ([E2], docs/events.md): insert
 * and LookupEvents latency while days are created with nothing to move (SHARE lock on the
 * parents) and with rows to move out of the default partition (ACCESS EXCLUSIVE). Starts a
 * throw-away PostgreSQL from Debian's binaries, as the tests do. Not a test, not a benchmark
 * suite: `npx tsx scripts/measure-partition-lock.ts [rowsPerMovedDay=2000]`.
 */
import { openDatabase } from '../src/db/open-database.js';
import { lookupEvents } from '../src/db/repositories/event-lookup.repository.js';
import { insertEvents } from '../src/db/repositories/events.repository.js';
import { dayPartitionsOf } from '../src/domain/events/day-partitions.js';
import { DAY_MS, formatIsoSeconds } from '../src/lib/time.js';
import { startPostgresCluster } from '../test/setup/postgres-cluster.js';

const rowsPerDay = Number(process.argv[2] ?? 2000);
const ACCOUNT = '1000000000000001';
const today = Math.floor(Date.now() / DAY_MS);
let serial = 0;
const event = (time: number) => ({
  eventId: `M-${serial++}`,
  eventName: 'DescribeInstances',
  serviceName: 'Ecs',
  acsRegion: 'cn-hangzhou',
  eventTime: formatIsoSeconds(time),
  userIdentity: { type: 'ram-user', userName: 'alice', accessKeyId: 'LTAIx' },
});

function summary(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => (s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0).toFixed(1);
  return `n=${s.length} p50=${q(0.5)} p99=${q(0.99)} max=${(s[s.length - 1] ?? 0).toFixed(1)} ms`;
}

const cluster = await startPostgresCluster();
try {
  const url = cluster.adminUrl;
  const h = await openDatabase({ databasePath: '', databaseUrl: url });
  const partitions = dayPartitionsOf(h.dialect.eventPartitions, h.db);
  if (!partitions) throw new Error('no partitions');
  await partitions.createDay(today);
  await insertEvents(
    h.db,
    ACCOUNT,
    Array.from({ length: 1000 }, (_, i) => event(today * DAY_MS + i * 1000)),
  );

  /** Inserts (50 events of today) and lookups (a page of today) until `stop` resolves. */
  async function load(stop: Promise<void>) {
    const writes: number[] = [];
    const reads: number[] = [];
    let done = false;
    void stop.then(() => {
      done = true;
    });
    const writer = async () => {
      while (!done) {
        const t = performance.now();
        await insertEvents(
          h.db,
          ACCOUNT,
          Array.from({ length: 50 }, () => event(Date.now())),
        );
        writes.push(performance.now() - t);
      }
    };
    const reader = async () => {
      while (!done) {
        const t = performance.now();
        await lookupEvents(h.db, {
          accountId: ACCOUNT,
          conditions: [],
          fromTime: today * DAY_MS,
          toTime: (today + 1) * DAY_MS,
          direction: 'BACKWARD',
          limit: 50,
        });
        reads.push(performance.now() - t);
      }
    };
    await Promise.all([writer(), reader()]);
    return { writes, reads };
  }

  const phase = async (name: string, work: () => Promise<number[]>) => {
    let durations: number[] = [];
    const result = await load(
      work().then((d) => {
        durations = d;
      }),
    );
    console.log(`${name}`);
    if (durations.length) console.log(`  createDay        ${summary(durations)}`);
    console.log(`  insert 50 events ${summary(result.writes)}`);
    console.log(`  lookup page      ${summary(result.reads)}`);
  };
  const timed = async (days: number[]) => {
    const out: number[] = [];
    for (const d of days) {
      const t = performance.now();
      await partitions.createDay(d);
      out.push(performance.now() - t);
    }
    return out;
  };

  await phase('baseline (no maintenance, 5 s)', async () => {
    await new Promise((r) => setTimeout(r, 5000));
    return [];
  });
  await phase('60 days created with nothing to move', () =>
    timed(Array.from({ length: 60 }, (_, i) => today + 10 + i)),
  );
  const moved = Array.from({ length: 20 }, (_, i) => today - 30 - i);
  for (const d of moved) {
    await insertEvents(
      h.db,
      ACCOUNT,
      Array.from({ length: rowsPerDay }, (_, i) => event(d * DAY_MS + i * 1000)),
    );
  }
  await phase(`20 days created, ${rowsPerDay} rows each moved out of the default`, () =>
    timed(moved),
  );
  await h.close();
} finally {
  await cluster.stop();
}
