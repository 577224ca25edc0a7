import {
  getAccessKeyLastUsedEvents,
  getAccessKeyLastUsedInfo,
  getAccessKeyLastUsedIps,
  getAccessKeyLastUsedProducts,
  getAccessKeyLastUsedResources,
} from './access-key-last-used.js';
import type { ActionDefinition } from './action.js';
import {
  createAdvancedQueryTemplate,
  deleteAdvancedQueryTemplate,
  describeAdvancedQueryTemplate,
  getAdvancedQueryTemplate,
  updateAdvancedQueryTemplate,
} from './advanced-query-templates.js';
import { createDeliveryHistoryJob } from './create-delivery-history-job.js';
import { createTrailAction } from './create-trail.js';
import { deleteDataEventSelector } from './delete-data-event-selector.js';
import { deleteDeliveryHistoryJob } from './delete-delivery-history-job.js';
import { deleteTrailAction } from './delete-trail.js';
import { describeRegionsAction } from './describe-regions.js';
import { describeTrailsAction } from './describe-trails.js';
import { getDataEventSelector } from './get-data-event-selector.js';
import { getDeliveryHistoryJob } from './get-delivery-history-job.js';
import { getTrailStatusAction } from './get-trail-status.js';
import {
  getGlobalEventsStorageRegion,
  updateGlobalEventsStorageRegion,
} from './global-events-storage-region.js';
import { listDataEventSelectorsAction } from './list-data-event-selectors.js';
import { listDataEventServicesAction } from './list-data-event-services.js';
import { listDeliveryHistoryJobFailures } from './list-delivery-history-job-failures.js';
import { listDeliveryHistoryJobs } from './list-delivery-history-jobs.js';
import { lookupEvents } from './lookup-events.js';
import { putDataEventSelector } from './put-data-event-selector.js';
import { retryDeliveryHistoryJob } from './retry-delivery-history-job.js';
import { startLoggingAction } from './start-logging.js';
import { stopDeliveryHistoryJob } from './stop-delivery-history-job.js';
import { stopLoggingAction } from './stop-logging.js';
import { updateTrailAction } from './update-trail.js';
import {
  describeResourceLifeCycleEvents,
  describeTrailDeliveryMetricData,
  describeUserAlertCount,
  describeUserLogCount,
  describeUserTrailCount,
} from './usage-statistics.js';

/** The registry: one file per Action, listed here (architecture lesson 3). */
export const ACTIONS: ReadonlyMap<string, ActionDefinition> = new Map(
  [
    // Historical event delivery jobs ([A], [C1])
    listDeliveryHistoryJobs,
    createDeliveryHistoryJob,
    getDeliveryHistoryJob,
    deleteDeliveryHistoryJob,
    // opentrail extensions ([C2])
    stopDeliveryHistoryJob,
    retryDeliveryHistoryJob,
    listDeliveryHistoryJobFailures,
    // Trails and regions ([B1])
    createTrailAction,
    describeTrailsAction,
    updateTrailAction,
    deleteTrailAction,
    startLoggingAction,
    stopLoggingAction,
    getTrailStatusAction,
    describeRegionsAction,
    // Event history ([B2])
    lookupEvents,
    // Data event selectors ([T])
    putDataEventSelector,
    getDataEventSelector,
    deleteDataEventSelector,
    listDataEventSelectorsAction,
    listDataEventServicesAction,
    // Global events storage region and advanced query templates ([T])
    getGlobalEventsStorageRegion,
    updateGlobalEventsStorageRegion,
    createAdvancedQueryTemplate,
    describeAdvancedQueryTemplate,
    getAdvancedQueryTemplate,
    updateAdvancedQueryTemplate,
    deleteAdvancedQueryTemplate,
    // AccessKey audit, from the event store ([T])
    getAccessKeyLastUsedInfo,
    getAccessKeyLastUsedProducts,
    getAccessKeyLastUsedEvents,
    getAccessKeyLastUsedIps,
    getAccessKeyLastUsedResources,
    // Counts and metrics ([T])
    describeUserTrailCount,
    describeUserLogCount,
    describeUserAlertCount,
    describeResourceLifeCycleEvents,
    describeTrailDeliveryMetricData,
  ].map((a) => [a.name, a]),
);
