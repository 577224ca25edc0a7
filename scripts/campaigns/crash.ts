/**
 * Crash campaign (issue 16 item 2): `npm run campaign:crash [-- <history jobs> <seed>]`.
 * History jobs, live streams and imports killed with SIGKILL at seeded random points (weighted
 * toward after-ack, in-checkpoint and during-renewal), restarted at once, then read back from the
 * file sink / the store. Prints one line per round and the totals; exits 1 on a lost event or a
 * duplicate (the file sink and the store admit none). SQLite: the test helpers get their
 * PostgreSQL server from vitest's global setup; the fast version runs in both PG projects.
 */
import {
  historyRound,
  importRound,
  killLeftovers,
  liveRound,
  type RoundResult,
  seeded,
} from '../../test/campaigns/crash/crash-rounds.js';

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
for (let i = 0; i < historyJobs; i++) await round(() => historyRound(rng, 120, 2));
for (let i = 0; i < 3; i++) await round(() => liveRound(rng, 60, 2));
for (let i = 0; i < 5; i++) await round(() => importRound(rng, 20_000));

function print(r: RoundResult): RoundResult {
  console.log(
    `${r.kind.padEnd(7)} kills ${r.kills} [${r.crashes.join(', ')}] events ${r.events} lost ${r.lost} duplicates ${r.duplicates}`,
  );
  return r;
}

console.log(
  `\n# crash campaign (seed ${seed}, SQLite, ${Math.round((Date.now() - started) / 1000)} s)`,
);
console.log('| Kind | Rounds | Kills | Events | Lost | Duplicates |\n|---|---|---|---|---|---|');
for (const kind of ['history', 'live', 'import'] as const) {
  const of = results.filter((r) => r.kind === kind);
  const sum = (f: (r: RoundResult) => number) => of.reduce((s, r) => s + f(r), 0);
  console.log(
    `| ${kind} | ${of.length} | ${sum((r) => r.kills)} | ${sum((r) => r.events)} | ${sum((r) => r.lost)} | ${sum((r) => r.duplicates)} |`,
  );
}
console.log(`rounds that could not run: ${errors}`);
process.exitCode = results.some((r) => r.lost > 0 || r.duplicates > 0) ? 1 : 0;
