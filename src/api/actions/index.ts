import type { ActionDefinition } from './action.js';
import { listDeliveryHistoryJobs } from './list-delivery-history-jobs.js';
import { lookupEvents } from './lookup-events.js';

/** The registry: one file per Action, listed here (architecture lesson 3). */
export const ACTIONS: ReadonlyMap<string, ActionDefinition> = new Map(
  [listDeliveryHistoryJobs, lookupEvents].map((a) => [a.name, a]),
);
