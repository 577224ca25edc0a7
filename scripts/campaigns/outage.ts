/**
 * Outage campaign (issue 16 item 3, "memory bounded while a sink is down"):
 * `npm run campaign:outage [-- <outage seconds> <events per request> <event bytes>]`.
 * A real `serve` delivers live to `opentrail dev sls` (its own process), which is stopped for
 * the outage while events keep arriving through the ingest API (one request every 500 ms,
 * the same traffic as during a warm-up of the same length with SLS up);
 * the server's RSS is sampled every second from /proc (Linux). Default delivery settings
 * (chunks of 5,000, backoff up to 60 s). Prints the figures for docs/reliability.md; exits 1
 * when an event is lost or duplicated, or when RSS grows with what arrives during the outage
 * (least-squares slope 0.5 or more: events held in memory would make it 1 or more).
 */
import { outageRound } from '../../test/campaigns/outage/outage-round.js';
import { phaseFigures } from '../../test/campaigns/outage/rss.js';

const outageSeconds = Number(process.argv[2] ?? 120);
const perRequest = Number(process.argv[3] ?? 500);
const eventBytes = Number(process.argv[4] ?? 2048);
const started = Date.now();
const r = await outageRound({
  perRequest,
  eventBytes,
  intervalMs: 500,
  minRequests: 0,
  minMs: outageSeconds * 1000,
  // A warm-up of the same traffic with SLS up: what ingesting it costs anyway.
  warmupMs: outageSeconds * 1000,
  minFailures: 0,
  sampleMs: 1000,
  delivery: {},
  recoveryTimeoutMs: 600_000,
  log: (line) => console.log(line),
});
const mb = (n: number) => n.toFixed(1);
console.log(`\n# outage campaign (${Math.round((Date.now() - started) / 1000)} s, SQLite)`);
console.log(
  `warm-up (SLS up): ${r.warmup.events} events, ${mb(r.warmup.bytes / 2 ** 20)} MiB sent`,
);
console.log(
  `outage: ${mb(r.outage.ms / 1000)} s, ${r.outage.events} events, ${mb(r.outage.bytes / 2 ** 20)} MiB sent`,
);
console.log(
  '| Phase | VmRSS first | VmRSS peak | VmRSS last | RssAnon peak |\n|---|---|---|---|---|',
);
for (const phase of ['warmup', 'outage', 'recovery', 'after'] as const) {
  const v = phaseFigures(r.samples, phase, 'rssMb');
  const a = phaseFigures(r.samples, phase, 'anonMb');
  console.log(`| ${phase} | ${mb(v.first)} | ${mb(v.peak)} | ${mb(v.last)} | ${mb(a.peak)} |`);
}
const during = r.samples.filter((s) => s.phase === 'outage');
const tenths = Array.from({ length: 10 }, (_, i) => during[Math.floor((i * during.length) / 10)]);
console.log(
  `outage VmRSS by tenths (MiB): ${tenths.map((s) => (s ? mb(s.rssMb) : '-')).join(' ')}`,
);
console.log(
  `failed attempts during the outage: ${r.failures.count} (up to ${r.failures.maxFailuresInARow} in a row); gaps between them (s): ${r.failures.gapsMs.map((g) => (g / 1000).toFixed(1)).join(' ')}`,
);
console.log(`recovery: every outage event in SLS ${mb(r.recoveryMs / 1000)} s after it came back`);
console.log(`delivered ${r.delivered}, lost ${r.lost}, duplicates ${r.duplicates}`);
// Against the warm-up's peak: the heap breathes with the ingest traffic in both phases.
const base = phaseFigures(r.samples, 'warmup', 'rssMb').peak;
const growth = phaseFigures(r.samples, 'outage', 'rssMb').peak - base;
const arrived = r.outage.bytes / 2 ** 20;
console.log(
  `outage peak - warm-up peak: ${mb(growth)} MiB for ${mb(arrived)} MiB arrived; RSS slope against MiB arrived: ${r.rssPerArrivedMb.toFixed(3)}`,
);
process.exitCode = r.lost > 0 || r.duplicates > 0 || !(r.rssPerArrivedMb < 0.5) ? 1 : 0;
