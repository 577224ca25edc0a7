import { availableParallelism } from 'node:os';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

// Three tiers (see docs/architecture.md), plus the console's browser tests: unit tests sit beside the code, integration tests run
// the in-process app on a real database, acceptance tests start the real server as a child
// process. Integration and acceptance run once per database: `DB=sqlite` or `DB=postgres` picks
// one, unset runs both. The PostgreSQL projects start their own throw-away server
// (test/setup/postgres.global-setup.ts).
/** Each test file's own temporary root, removed after the file (test/setup/temp-root.ts). */
const SETUP_FILES = ['test/setup/temp-root.ts'];

const DATABASES = (process.env.DB ?? 'sqlite,postgres').split(',') as Array<'sqlite' | 'postgres'>;

/**
 * Unit tests of repositories and domain code that open a database through openTestDatabase():
 * they run on PostgreSQL as well. The query-plan tests (SQLite's EXPLAIN QUERY PLAN) and the
 * SQLite migration test stay SQLite-only; test/integration has the PostgreSQL counterparts.
 */
const DATABASE_UNIT_TESTS = [
  'src/db/repositories/events.repository.test.ts',
  'src/db/repositories/fixed-query.test.ts',
  'src/db/repositories/nonces.repository.test.ts',
  'src/domain/accounts/access-key-cache.test.ts',
  'src/domain/accounts/bootstrap.test.ts',
  'src/domain/events/event-writer.test.ts',
  'src/domain/events/page-token.test.ts',
  'src/domain/events/retention.test.ts',
  'src/domain/operations/doctor.test.ts',
  'src/domain/trails/trails.test.ts',
  'src/jobs/delivery-hold.test.ts',
  'src/jobs/engine/chunk-pipeline.test.ts',
  'src/jobs/engine/delivery-engine.test.ts',
];

function tier(
  name: 'integration' | 'acceptance' | 'unit',
  db: 'sqlite' | 'postgres',
  timeouts: { testTimeout?: number; hookTimeout?: number },
): TestProjectInlineConfiguration {
  return {
    test: {
      name: db === 'sqlite' ? name : `${name}-pg`,
      include: name === 'unit' ? DATABASE_UNIT_TESTS : [`test/${name}/**/*.test.ts`],
      environment: 'node',
      setupFiles: SETUP_FILES,
      env: { DB: db },
      ...(db === 'postgres' ? { globalSetup: ['test/setup/postgres.global-setup.ts'] } : {}),
      ...timeouts,
    },
  };
}

export default defineConfig({
  test: {
    // The run's temporary directory, removed at its end (test/setup/temp-run-root.ts).
    globalSetup: ['test/setup/temp-run-root.ts'],
    // One file per core, at least two. Vitest's default (cores - 1) runs a 2-core machine one
    // file at a time, while most integration and acceptance files spend much of their time
    // waiting on a child server, a database or a delivery poll: measured on 2 cores, the
    // SQLite integration tier took 233 s with one worker and 148 s with two.
    maxWorkers: Math.max(2, availableParallelism()),
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'bench/**/*.test.ts'],
          env: { DB: 'sqlite' },
          environment: 'node',
          setupFiles: SETUP_FILES,
        },
      },
      ...(DATABASES.includes('postgres')
        ? [tier('unit', 'postgres', { hookTimeout: 60_000 })]
        : []),
      // The web console in headless Chromium (test/browser): one file, one app, one browser.
      // SQLite only: the console adds no SQL of its own, it runs the Actions the other tiers test.
      ...(DATABASES.includes('sqlite')
        ? [
            {
              test: {
                name: 'browser',
                include: ['test/browser/**/*.test.ts'],
                environment: 'node',
                setupFiles: SETUP_FILES,
                env: { DB: 'sqlite' },
                testTimeout: 60_000,
                hookTimeout: 60_000,
              },
            },
          ]
        : []),
      ...DATABASES.flatMap((db) => [
        // Hooks start an app on a fresh database (PostgreSQL: create and migrate one); a loaded
        // CI machine took over 10 s (vitest's default) for that, failing tests that did nothing wrong.
        tier('integration', db, { testTimeout: 30_000, hookTimeout: 60_000 }),
        tier('acceptance', db, { testTimeout: 120_000, hookTimeout: 120_000 }),
      ]),
    ],
  },
});
