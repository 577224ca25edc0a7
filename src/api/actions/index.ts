import type { ActionDefinition } from './action.js';
import { listDeliveryHistoryJobs } from './list-delivery-history-jobs.js';

/** The registry: one file per Action, listed here (architecture lesson 3). */
export const ACTIONS: ReadonlyMap<string, ActionDefinition> = new Map(
  [listDeliveryHistoryJobs].map((a) => [a.name, a]),
);
