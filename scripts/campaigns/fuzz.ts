/**
 * Bad-input campaign (issue 16 item 4): `npm run campaign:fuzz [-- <requests> <seed> <files>]`.
 * Sends fast-check-generated requests into the in-process app on a fresh SQLite database (input
 * handling is the API layer's, the same on PostgreSQL) and prints the figures by target and
 * answer, then imports generated malicious files (`<files>`, default 200); exits 1 on any
 * violation.
 */
import { runImportFuzz } from '../../test/campaigns/fuzz/fuzz-import-files.js';
import { runFuzz } from '../../test/campaigns/fuzz/run-fuzz.js';
import { startTestApp } from '../../test/helpers/test-app.js';

const requests = Number(process.argv[2] ?? 10_000);
const seed = Number(process.argv[3] ?? Date.now() % 1_000_000);
const importFiles = Number(process.argv[4] ?? 200);
const app = await startTestApp();
const started = Date.now();
try {
  // `0` requests: only the import files (their figures alone).
  const f = await runFuzz(app, requests, seed);
  const seconds = (Date.now() - started) / 1000;
  console.log(`# fuzz: ${f.requests} requests (seed ${seed}, ${seconds.toFixed(1)} s, SQLite)`);
  console.log(`signed ${f.signed}, broken signature ${f.broken}, unbuildable ${f.unbuildable}`);
  console.log('\n| Target | Answers |\n|---|---|');
  for (const [target, answers] of Object.entries(f.byTarget).sort()) {
    const list = Object.entries(answers)
      .sort((a, b) => b[1] - a[1])
      .map(([a, n]) => `${a} ×${n}`)
      .join(', ');
    console.log(`| ${target.replace(/\|/g, '\\|')} | ${list} |`);
  }
  console.log('\n| Code | Answers |\n|---|---|');
  for (const [code, n] of Object.entries(f.codes).sort((a, b) => b[1] - a[1])) {
    console.log(`| ${code} | ${n} |`);
  }
  const fivexx = Object.values(f.byTarget)
    .flatMap((a) => Object.entries(a))
    .filter(([a]) => a.startsWith('5'))
    .reduce((s, [, n]) => s + n, 0);
  console.log(`\n5xx answers: ${fivexx}`);
  console.log(
    `self-audit records: ${f.auditRecords} (largest requestParameters ${f.largestAuditParametersBytes} B)`,
  );
  console.log(`events stored from rejected input: ${f.foreignEvents}`);
  console.log(`heap (MB) per tenth of the run: ${f.heapMb.join(' ')}`);
  console.log(`violations: ${f.violations.length}`);
  for (const v of f.violations.slice(0, 50)) console.log(`  - ${v}`);

  const imported = await runImportFuzz(app, importFiles, seed);
  console.log(`\n# import files: ${imported.files} files, ${imported.bytes} bytes on disk`);
  console.log(
    `records read ${imported.read}, imported ${imported.imported}, rejected ${imported.rejected} ${JSON.stringify(imported.rejectedByCode)}`,
  );
  console.log(
    `RSS before the import ${imported.baseRssMb} MB, peak during it ${imported.peakRssMb} MB (gzip bombs up to 256 MB)`,
  );
  console.log(`violations: ${imported.violations.length}`);
  for (const v of imported.violations.slice(0, 50)) console.log(`  - ${v}`);
  process.exitCode = f.violations.length + imported.violations.length > 0 ? 1 : 0;
} finally {
  await app.close();
}
