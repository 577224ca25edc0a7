import Database from 'better-sqlite3';
import { PUBLIC_REGIONS } from '../src/config/regions.js';
import { openDatabase } from '../src/db/open-database.js';
import { indexEvent } from '../src/db/repositories/event-columns.js';
import { seedAccountIds } from '../src/domain/events/ingest-seed.js';
import { generateEvents } from '../src/intake/seed/generate-events.js';

const dir = `/tmp/scratch/raw-${Date.now()}`;
const h = await openDatabase({ databasePath: `${dir}/opentrail.db` });
await h.close();
const db = new Database(`${dir}/opentrail.db`);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('cache_size = -262144');
if ((process.argv[3] ?? '').includes('ckpt')) db.pragma('wal_autocheckpoint = 100000');
if ((process.argv[3] ?? '').includes('off')) db.pragma('synchronous = OFF');
const mode = process.argv[3] ?? '';
if (mode.includes('noidx'))
  for (const r of db
    .prepare(
      "select name from sqlite_master where type='index' and tbl_name in ('events','event_resources') and name not like 'sqlite_%' and name != 'events_account_event_id'",
    )
    .all() as any[])
    db.exec(`drop index ${r.name}`);
const accounts = seedAccountIds(1, 3);
const n = Number(process.argv[2]);
const t0 = performance.now();
const evs = [
  ...generateEvents({
    count: n,
    days: 90,
    accounts,
    seed: 1,
    now: Date.now(),
    regions: PUBLIC_REGIONS.slice(0, 6),
  }),
].map((e) => ({ a: e.recipientAccountId as string, ...indexEvent(e) }));
const t1 = performance.now();
const cols = [
  'event_id',
  'event_time',
  'acs_region',
  'event_rw',
  'service_name',
  'event_name',
  'event_type',
  'user_name',
  'principal_id',
  'role_name',
  'access_key_id',
  'source_ip',
  'sensitive_action',
  'event_json',
];
const ins = db.prepare(
  `insert into events (account_id, ${cols.join(',')}) values (?, ${cols.map(() => '?').join(',')}) on conflict do nothing`,
);
const tx = db.transaction((batch: any[]) => {
  for (const e of batch) ins.run(e.a, ...cols.map((c) => (e.columns as any)[c] ?? null));
});
for (let i = 0; i < evs.length; i += 2000) tx(evs.slice(i, i + 2000));
const t2 = performance.now();
console.log(
  mode,
  'gen+index',
  Math.round(n / ((t1 - t0) / 1000)),
  'ev/s; insert',
  Math.round(n / ((t2 - t1) / 1000)),
  'ev/s',
);
