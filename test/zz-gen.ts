import { PUBLIC_REGIONS } from '../src/config/regions.js';
import { indexEvent } from '../src/db/repositories/event-columns.js';
import { generateEvents } from '../src/intake/seed/generate-events.js';

const n = 100000;
const t0 = performance.now();
const evs = [
  ...generateEvents({
    count: n,
    days: 90,
    accounts: ['1', '2', '3'],
    seed: 1,
    now: Date.now(),
    regions: PUBLIC_REGIONS.slice(0, 6),
  }),
];
const t1 = performance.now();
for (const e of evs) indexEvent(e);
const t2 = performance.now();
console.log('gen', Math.round(n / ((t1 - t0) / 1000)), 'index', Math.round(n / ((t2 - t1) / 1000)));
