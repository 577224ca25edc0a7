import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXTENSIONS, NOT_SERVED, renderApiCoverage } from './api-coverage.js';
import { ACTIONS } from './index.js';
import { ACTIONTRAIL_ACTIONS } from './known-actions.js';

describe('docs/api-coverage.md', () => {
  it('is what the registry renders (run `npm run docs:coverage` after changing Actions)', () => {
    const file = readFileSync(
      path.resolve(import.meta.dirname, '../../../docs/api-coverage.md'),
      'utf8',
    );
    expect(file).toBe(renderApiCoverage());
  });

  it('gives every ActionTrail Action a status: served, or a reason it is not', () => {
    for (const action of ACTIONTRAIL_ACTIONS) {
      expect(ACTIONS.has(action) || action in NOT_SERVED, action).toBe(true);
      expect(
        ACTIONS.has(action) && action in NOT_SERVED,
        `${action} is served: drop its reason`,
      ).toBe(false);
    }
    // Anything else the registry serves is an extension Action the doc lists as one.
    const isExtension = (action: string) =>
      EXTENSIONS.some(([what]) => what.startsWith(`${action}(`));
    for (const action of ACTIONS.keys()) {
      expect(ACTIONTRAIL_ACTIONS.has(action) || isExtension(action), action).toBe(true);
    }
  });

  it('counts the 48 Actions of 2020-07-06', () => {
    expect(ACTIONTRAIL_ACTIONS.size).toBe(48);
    const served = [...ACTIONS.keys()].filter((a) => ACTIONTRAIL_ACTIONS.has(a));
    expect(renderApiCoverage()).toContain(`serves **${served.length} of 48** Actions`);
  });
});
