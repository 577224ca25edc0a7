import type { Kysely } from 'kysely';
import type { DatabaseDialect } from '../dialects/dialect.js';
import * as m0001 from './0001-initial.js';
import * as m0002 from './0002-trails.js';
import * as m0003 from './0003-events.js';
import * as m0004 from './0004-event-horizon.js';
import * as m0005 from './0005-event-partitions.js';
import * as m0006 from './0006-trail-settings.js';
import * as m0007 from './0007-oss-live-delivery.js';
import * as m0008 from './0008-leaner-event-indexes.js';
import * as m0009 from './0009-job-control.js';
import * as m0010 from './0010-lease-takeovers.js';
import * as m0011 from './0011-access-key-generation.js';
import * as m0012 from './0012-batch-bucket-span.js';
import * as m0013 from './0013-partial-event-indexes.js';
import * as m0014 from './0014-one-access-key-index.js';

export interface MigrationStep {
  up(db: Kysely<unknown>, dialect: DatabaseDialect): Promise<void>;
}

/**
 * Every migration, in order, listed in code so builds and `npx` installs never scan the file
 * system (architecture lesson 7). Names are permanent: never rename or reorder one.
 */
export const MIGRATIONS: ReadonlyArray<readonly [string, MigrationStep]> = [
  ['0001-initial', m0001],
  ['0002-trails', m0002],
  ['0003-events', m0003],
  ['0004-event-horizon', m0004],
  ['0005-event-partitions', m0005],
  ['0006-trail-settings', m0006],
  ['0007-oss-live-delivery', m0007],
  ['0008-leaner-event-indexes', m0008],
  ['0009-job-control', m0009],
  ['0010-lease-takeovers', m0010],
  ['0011-access-key-generation', m0011],
  ['0012-batch-bucket-span', m0012],
  ['0013-partial-event-indexes', m0013],
  ['0014-one-access-key-index', m0014],
];
