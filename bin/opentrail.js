#!/usr/bin/env node
// Runs the compiled dist/ when it was built from the sources as they are now (`npm run build`;
// `npm run bench` builds it first), and the TypeScript sources through tsx otherwise, so
// nothing stale ever runs. dist/ is what a production install runs anyway: it starts faster and
// a serve process holds ~50 MB less than under tsx's loader thread and compile caches
// (docs/benchmarks.md, round 5). OPENTRAIL_FROM_SOURCE=1 forces the sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../src/', import.meta.url));
const dist = new URL('../dist/main.js', import.meta.url);
const stamp = fileURLToPath(new URL('../dist/.build-stamp', import.meta.url));

/** Newest modification time under `dir` (directories too: a deleted file changes its folder). */
function newestMtime(dir) {
  let newest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.endsWith('.test.ts')) continue;
    const full = `${dir}/${entry.name}`;
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function distIsCurrent() {
  if (process.env.OPENTRAIL_FROM_SOURCE === '1') return false;
  if (!existsSync(stamp)) return false;
  return statSync(stamp).mtimeMs >= newestMtime(src);
}

if (existsSync(src) && !distIsCurrent()) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/main.ts', import.meta.url).href);
} else {
  await import(dist.href);
}
