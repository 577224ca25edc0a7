import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImportFuzz } from '../campaigns/fuzz/fuzz-import-files.js';
import { runFuzz } from '../campaigns/fuzz/run-fuzz.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { TEST_DB } from '../helpers/test-database.js';

/**
 * The fast version of the bad-input campaign (issue 16 item 4; `npm run campaign:fuzz` sends
 * 10,000+). SQLite only: what is checked is input handling in the API layer, identical on both
 * databases; the one database-side property (nothing stored but the audit record) does not
 * depend on the dialect.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

describe.runIf(TEST_DB === 'sqlite')('malformed and badly signed requests (fuzzer)', () => {
  it('never answer 5xx, always a documented error, and store nothing but the audit record', async () => {
    const seed = Number(process.env.FUZZ_SEED ?? 16);
    const figures = await runFuzz(app, Number(process.env.FUZZ_REQUESTS ?? 300), seed);
    expect(figures.violations).toEqual([]);
    expect(figures.foreignEvents).toBe(0);
    // The mix really reached the API: answers from most Actions and from the ingest route.
    expect(Object.keys(figures.byTarget).length).toBeGreaterThan(30);
    expect(figures.byTarget.ingest).toBeDefined();
    expect(figures.auditRecords).toBeGreaterThan(0);
  }, 60_000);
});

describe.runIf(TEST_DB === 'sqlite')('truncated and malicious import files (fuzzer)', () => {
  it('import them all without throwing, store only valid events, memory bounded', async () => {
    const seed = Number(process.env.FUZZ_SEED ?? 16);
    const figures = await runImportFuzz(app, Number(process.env.FUZZ_FILES ?? 30), seed, [4]);
    expect(figures.violations).toEqual([]);
    expect(figures.imported, JSON.stringify(figures)).toBeGreaterThan(0);
    expect(figures.rejectedByCode.Unreadable).toBeGreaterThan(0);
  }, 60_000);
});
