import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { BIN, freshDataDir, REPO_ROOT } from '../../helpers/server-process.js';
import { databaseEnvFor, openDatabaseOf } from '../../helpers/test-database.js';
import { ACCOUNT, env, events, type RoundResult, start, tally } from './crash-rounds.js';

/** `opentrail import` of a file, killed after a random delay, then run again to the end. */
export async function importRound(rng: () => number, count: number): Promise<RoundResult> {
  const dataDir = freshDataDir('opentrail-crash-import-');
  const file = path.join(dataDir, 'export.ndjson.gz');
  const exported = events('imp', count, Date.now() - 10 * 86_400_000, 1_000);
  writeFileSync(file, gzipSync(exported.map((e) => JSON.stringify(e)).join('\n')));
  const dbEnv = await databaseEnvFor(dataDir);
  const run = (killAfterMs?: number) =>
    new Promise<string | null>((resolve) => {
      const child = spawn(
        process.execPath,
        [BIN, 'import', '--data-dir', dataDir, '--account', ACCOUNT, file],
        {
          cwd: REPO_ROOT,
          env: { ...process.env, ...dbEnv, ...env },
          stdio: 'ignore',
        },
      );
      if (killAfterMs !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      child.once('exit', (_code, signal) => resolve(signal));
    });
  // The account must exist: a first `serve` creates it from the environment.
  await (await start({ dataDir, env })).stop();
  const delay = 300 + Math.floor(rng() * 2500);
  const signal = await run(delay);
  await run();
  const h = await openDatabaseOf(dataDir);
  const rows = await h.db
    .selectFrom('events')
    .select('event_id')
    .where('event_id', 'like', 'imp-%')
    .execute();
  await h.close();
  return tally(
    'import',
    'store',
    [`kill after ${delay} ms`],
    signal === 'SIGKILL' ? 1 : 0,
    exported.map((e) => e.eventId),
    rows.map((r) => r.event_id),
  );
}
