/**
 * Every Action of ActionTrail 2020-07-06 (reference: actiontrail-api.md §5). An Action in this
 * list that opentrail does not implement yet answers 400 UnsupportedOperation, never 404:
 * Terraform reads 404 as "resource gone" (decisions §1). Anything else is InvalidAction.NotFound.
 */
export const ACTIONTRAIL_ACTIONS: ReadonlySet<string> = new Set([
  // Trails
  'CreateTrail',
  'DescribeTrails',
  'UpdateTrail',
  'DeleteTrail',
  'StartLogging',
  'StopLogging',
  'GetTrailStatus',
  'DescribeTrailDeliveryMetricData',
  'DescribeUserTrailCount',
  // Events
  'LookupEvents',
  'DescribeResourceLifeCycleEvents',
  'DescribeUserLogCount',
  'DescribeUserAlertCount',
  // Historical event delivery
  'CreateDeliveryHistoryJob',
  'ListDeliveryHistoryJobs',
  'GetDeliveryHistoryJob',
  'DeleteDeliveryHistoryJob',
  // Data event selectors
  'PutDataEventSelector',
  'GetDataEventSelector',
  'DeleteDataEventSelector',
  'ListDataEventSelectors',
  'ListDataEventServices',
  // Insights
  'EnableInsight',
  'DisableInsight',
  'PutInsightSelectors',
  'GetInsightSelectors',
  'GetInsightTypes',
  'GetInsightsEventsCount',
  'LookupInsightEvents',
  // AccessKey audit
  'GetAccessKeyLastUsedInfo',
  'GetAccessKeyLastUsedEvents',
  'GetAccessKeyLastUsedIps',
  'GetAccessKeyLastUsedProducts',
  'GetAccessKeyLastUsedResources',
  // Advanced query
  'CreateAdvancedQueryHistory',
  'DescribeAdvancedQueryHistory',
  'DeleteAdvancedQueryHistory',
  'CreateAdvancedQueryTemplate',
  'DescribeAdvancedQueryTemplate',
  'GetAdvancedQueryTemplate',
  'UpdateAdvancedQueryTemplate',
  'DeleteAdvancedQueryTemplate',
  'DescribeScenes',
  'DescribeSearchTemplates',
  // Other
  'DescribeRegions',
  'GetGlobalEventsStorageRegion',
  'UpdateGlobalEventsStorageRegion',
  'GetGovernanceMetrics',
]);

export const API_VERSION = '2020-07-06';
