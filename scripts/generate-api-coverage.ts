import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderApiCoverage } from '../src/api/actions/api-coverage.js';

/** Writes docs/api-coverage.md from the Action registry (`npm run docs:coverage`). */
const target = path.resolve(import.meta.dirname, '../docs/api-coverage.md');
writeFileSync(target, renderApiCoverage());
console.log(`wrote ${target}`);
