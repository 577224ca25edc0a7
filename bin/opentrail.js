#!/usr/bin/env node
// Runs the TypeScript sources through tsx in a checkout (so nothing can be stale), and the
// compiled dist/ when installed as a package without sources.
import { existsSync } from 'node:fs';

const src = new URL('../src/main.ts', import.meta.url);
if (existsSync(src)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(src.href);
} else {
  await import(new URL('../dist/main.js', import.meta.url).href);
}
