/**
 * Crash campaign (issue 16 item 2): `npm run campaign:crash [-- <history jobs> <seed>]`.
 * History jobs, live streams and imports killed with SIGKILL at seeded random points (weighted
 * toward after-ack, in-checkpoint and during-renewal), restarted at once, then read back from the
 * sink (the file sink, OSS layout, and `opentrail dev sls` in its own process) or the store.
 * Prints one line per round and the totals; exits 1 on a lost event, a duplicate in the file
 * sink or the store, or more SLS duplicates than the batches in flight at the kills (SLS cannot
 * be asked whether a request sent before the kill was stored). SQLite: the test helpers get
 * their PostgreSQL server from vitest's global setup; the fast version runs in both PG projects.
 */
import {
  historyRound,
  killLeftovers,
  liveRound,
  type RoundResult,
  seeded,
} from '../../test/campaigns/crash/crash-rounds.js';
import { importRound } from '../../test/campaigns/crash/import-round.js';

const historyJobs = Number(process.argv[2] ?? 20);
const seed = Number(process.argv[3] ?? Date.now() % 1_000_000);
const rng = seeded(seed);
const started = Date.now();
const results: RoundResult[] = [];
let errors = 0;
/** A round that fails (a server too slow to start on a busy machine) is counted, not fatal. */
async function round(run: () => Promise<RoundResult>): Promise<void> {
  try {
    results.push(print(await run()));
  } catch (err) {
    errors += 1;
    console.log(`round failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  } finally {
    killLeftovers();
  }
}
// The file rounds first, in the order (and so with the kill points) of the earlier runs' seeds.
for (let i = 0; i < historyJobs; i++) await round(() => historyRound(rng, 120, 2));
for (let i = 0; i < 3; i++) await round(() => liveRound(rng, 60, 2));
for (let i = 0; i < 5; i++) await round(() => importRound(rng, 20_000));
for (let i = 0; i < historyJobs; i++) await round(() => historyRound(rng, 120, 2, 'sls'));
for (let i = 0; i < 3; i++) await round(() => liveRound(rng, 60, 2, 'sls'));

function print(r: RoundResult): RoundResult {
  console.log(
    `${r.kind.padEnd(7)} ${r.sink.padEnd(5)} kills ${r.kills} [${r.crashes.join(', ')}] events ${r.events} lost ${r.lost} duplicates ${r.duplicates} (allowed ${r.allowedDuplicates})`,
  );
  return r;
}

console.log(
  `\n# crash campaign (seed ${seed}, SQLite, ${Math.round((Date.now() - started) / 1000)} s)`,
);
console.log(
  '| Kind | Sink | Rounds | Kills | Events | Lost | Duplicates (allowed) |\n|---|---|---|---|---|---|---|',
);
const kinds = [
  ['history', 'file'],
  ['live', 'file'],
  ['import', 'store'],
  ['history', 'sls'],
  ['live', 'sls'],
] as const;
for (const [kind, sink] of kinds) {
  const of = results.filter((r) => r.kind === kind && r.sink === sink);
  const sum = (f: (r: RoundResult) => number) => of.reduce((s, r) => s + f(r), 0);
  console.log(
    `| ${kind} | ${sink} | ${of.length} | ${sum((r) => r.kills)} | ${sum((r) => r.events)} | ${sum((r) => r.lost)} | ${sum((r) => r.duplicates)} (${sum((r) => r.allowedDuplicates)}) |`,
  );
}
const points = results.flatMap((r) => (r.kind === 'import' ? [] : r.crashes));
const byPoint = (name: string) => points.filter((p) => p.startsWith(name)).length;
console.log(
  `planned points: ${points.length} (${byPoint('in-checkpoint')} in-checkpoint, ${byPoint('after-ack')} after-ack, ${byPoint('during-renewal')} during-renewal)`,
);
console.log(`rounds that could not run: ${errors}`);
process.exitCode = results.some((r) => r.lost > 0 || r.duplicates > r.allowedDuplicates) ? 1 : 0;
