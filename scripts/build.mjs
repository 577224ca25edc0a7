// `npm run build`: compiles src/ into dist/ and, only when the compiler succeeded, writes
// dist/.build-stamp dated to the build's START. bin/opentrail.js runs dist/ only while that stamp
// is newer than every file under src/, so a file saved during or after a build means the sources
// run again (through tsx) and nothing stale is ever served.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
// Extra arguments go to tsc (`npm run build -- --outDir DIR`: the container test builds elsewhere).
const args = process.argv.slice(2);
const outAt = args.indexOf('--outDir');
const outDir =
  outAt >= 0 && args[outAt + 1] ? path.resolve(args[outAt + 1]) : path.join(root, 'dist');
const stamp = path.join(outDir, '.build-stamp');
const started = new Date();
rmSync(stamp, { force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json'), ...args], {
  stdio: 'inherit',
});
mkdirSync(path.dirname(stamp), { recursive: true });
writeFileSync(stamp, `${started.toISOString()}\n`);
utimesSync(stamp, started, started);
