import { sql } from 'kysely';
import { PUBLIC_REGIONS } from '../src/config/regions.js';
import { openDatabase } from '../src/db/open-database.js';
import { ensureAccounts, seedAccountIds, seedEvents } from '../src/domain/events/ingest-seed.js';

const dir = `/tmp/scratch/bench-${Date.now()}`;
const h = await openDatabase({ databasePath: `${dir}/opentrail.db` });
const mode = process.argv[4] ?? '';
if (mode.includes('cache')) await sql`PRAGMA cache_size = -262144`.execute(h.db);
if (mode.includes('ckpt')) await sql`PRAGMA wal_autocheckpoint = 100000`.execute(h.db);
if (mode.includes('sync')) await sql`PRAGMA synchronous = OFF`.execute(h.db);
const accounts = seedAccountIds(1, 3);
await ensureAccounts(h.db, accounts, Date.now());
const n = Number(process.argv[2] ?? 100000);
const bs = Number(process.argv[3] ?? 2000);
const s = await seedEvents({
  db: h.db,
  accounts,
  count: n,
  days: 90,
  seed: 1,
  now: Date.now(),
  regions: PUBLIC_REGIONS.slice(0, 6),
  batchSize: bs,
});
console.log(mode, bs, Math.round(s.generated / s.seconds), 'ev/s', s.seconds);
await h.close();
