import type { Generated } from 'kysely';

/**
 * Row types of every table, as Kysely sees them. Times are epoch milliseconds (bigint columns),
 * booleans are 0/1 integers: both are portable between SQLite and PostgreSQL.
 */
export interface AccountsTable {
  id: string;
  created_at: number;
}

export type AccessKeyKind = 'long_term' | 'sts';
export type AccessKeyStatus = 'Active' | 'Inactive';

export interface AccessKeysTable {
  id: string;
  account_id: string;
  secret: string;
  kind: AccessKeyKind;
  /** Only for STS keys: the token that must accompany every request. */
  security_token: string | null;
  /** Only for STS keys. */
  expires_at: number | null;
  status: AccessKeyStatus;
  is_admin: number;
  description: string | null;
  created_at: number;
}

/** One row (id 1): bumped by triggers on every change to `access_keys` (0011). */
export interface AccessKeyGenerationTable {
  id: number;
  generation: number;
}

export interface UsedNoncesTable {
  access_key_id: string;
  nonce: string;
  seen_at: number;
}

/**
 * A historical event delivery job. Lease columns (locked_by, lease_expires_at, heartbeat_at) are
 * internal to the engine and never shown on the wire (decisions §5).
 */
export interface DeliveryJobsTable {
  id: Generated<number>;
  account_id: string;
  trail_name: string;
  home_region: string;
  /** The trail's scope when the job was created (a later UpdateTrail does not change a job). */
  event_rw: Generated<string>;
  regions_json: Generated<string>;
  destinations_json: Generated<string>;
  /** Wire JobStatus: 0 initializing, 1 delivering, 2 complete, 3 failed. */
  job_status: number;
  /** Extension: Queued | Running | Succeeded | Failed | Stopped. */
  state: string;
  client_token: string | null;
  /** Fingerprint of the parameters a ClientToken was first used with. */
  request_fingerprint: string | null;
  created_at: number;
  updated_at: number;
  /** Reported window (StartTime/EndTime on the wire). */
  window_start: number;
  window_end: number;
  /** 1 when the creator chose the window: its end then bounds eventTime as well ([C2]). */
  window_chosen: Generated<number>;
  /** When a worker first claimed the job ([C2] EventsPerSecond). */
  started_at: number | null;
  /** Highest event sequence the job delivers (decisions §5 cut-off). */
  cutoff_seq: number | null;
  deleted_at: number | null;
  stop_reason: string | null;
  last_error: string | null;
  attempts: Generated<number>;
  run_at: number;
  locked_by: string | null;
  lease_expires_at: number | null;
  heartbeat_at: number | null;
  finished_at: number | null;
  /** `history` (CreateDeliveryHistoryJob) or `live` (a logging trail's live delivery, [D2]). */
  kind: Generated<'history' | 'live'>;
  /** The worker whose expired lease the latest claim took over; null when the job was free. */
  taken_over_from: string | null;
}

/** Progress per (region, destination); GetDeliveryHistoryJob's `Status[]` aggregates it. */
export interface DeliveryJobProgressTable {
  job_id: number;
  region: string;
  destination: string;
  status: number;
  checkpoint_seq: Generated<number>;
  delivered_count: Generated<number>;
  next_batch_no: Generated<number>;
  failures: Generated<number>;
  error_code: string | null;
  error_message: string | null;
  updated_at: number;
  /** [C2]: the stream's events in scope, estimated once, exact when it is done. */
  total_events: number | null;
  batches: Generated<number>;
  bytes: Generated<number>;
  /** When the stream last acknowledged a chunk ([D2]). */
  last_delivered_at: Generated<number | null>;
}

/** A planned batch (decisions §6): the events of one 5-minute bucket within a sequence range. */
export interface DeliveryBatchesTable {
  job_id: number;
  region: string;
  destination: string;
  batch_no: number;
  chunk_end_seq: number;
  bucket_start: number;
  /** Length of the batch's time bucket (5 minutes, an hour or a day); 0012. */
  bucket_ms: Generated<number>;
  first_seq: number;
  last_seq: number;
  event_count: number;
  object_name: string;
  acked: Generated<number>;
  created_at: number;
  /** Size of the prepared body (what the sink sends or writes). */
  bytes: Generated<number>;
}

/** A failed delivery attempt of one stream ([C2] ListDeliveryHistoryJobFailures). */
export interface DeliveryJobFailuresTable {
  id: Generated<number>;
  job_id: number;
  region: string;
  destination: string;
  error_code: string;
  error_message: string;
  /** Attempts in a row without progress, this one included. */
  attempts: number;
  first_event_time: number | null;
  last_event_time: number | null;
  created_at: number;
}

/** The three states ActionTrail reports in DescribeTrails `Status`. */
export type TrailStatus = 'Fresh' | 'Enable' | 'Disable';

/** A trail ([B1]). Destination columns are NULL when the caller did not set them. */
export interface TrailsTable {
  id: Generated<number>;
  account_id: string;
  name: string;
  /** The region of the request that created it (decisions §1). */
  home_region: string;
  /** `All` or one configured region id. */
  trail_region: string;
  /** `Write` | `Read` | `All`. */
  event_rw: string;
  is_organization_trail: number;
  oss_bucket_name: string | null;
  oss_key_prefix: string | null;
  oss_write_role_arn: string | null;
  sls_project_arn: string | null;
  sls_write_role_arn: string | null;
  max_compute_project_arn: string | null;
  max_compute_write_role_arn: string | null;
  status: TrailStatus;
  start_logging_at: number | null;
  stop_logging_at: number | null;
  /** decisions §4: sequence at which live delivery begins; set by StartLogging. */
  live_start_seq: number | null;
  created_at: number;
  updated_at: number;
  /** [D2] the bucket's region as the OSS endpoint reported it (OssBucketLocation). */
  oss_bucket_location: Generated<string | null>;
}

/**
 * One stored event (docs/events.md). `event_json` is the event exactly as stored and returned;
 * the other columns are copies of the fields LookupEvents and delivery filter on, so every
 * filter is an index search. `seq` is the monotonic insertion sequence (decisions §3).
 */
export interface EventsTable {
  seq: Generated<number>;
  account_id: string;
  event_id: string;
  /** Epoch ms of the event's `eventTime`. */
  event_time: number;
  /** UTC day of event_time (days since the epoch): leads every lookup index, see 0003-events. */
  event_day: number;
  acs_region: string | null;
  event_rw: string | null;
  service_name: string | null;
  event_name: string | null;
  event_type: string | null;
  /** `userIdentity.userName` (LookupEvents key `User`). */
  user_name: string | null;
  principal_id: string | null;
  role_name: string | null;
  /** `userIdentity.accessKeyId` (LookupEvents key `EventAccessKeyId`). */
  access_key_id: string | null;
  source_ip: string | null;
  /** `eventAttributes.SensitiveAction` as 0/1. */
  sensitive_action: number;
  event_json: string;
}

/**
 * One (resourceType, resourceName) pair an event names, so an exact match on one name or one
 * type is an index search although the event holds them as `;`/`,`-joined lists. The columns
 * LookupEvents pairs with ResourceName are copied here so each pair has its own index.
 */
export interface EventResourcesTable {
  seq: number;
  account_id: string;
  event_time: number;
  event_day: number;
  /** '' when the event names a resource without a type (or a type without names). */
  resource_type: string;
  resource_name: string;
  service_name: string | null;
  event_name: string | null;
  user_name: string | null;
  role_name: string | null;
}

/** Server-wide secrets kept in the database so every node shares them (decisions §2). */
export interface ServerSecretsTable {
  name: string;
  value: string;
  created_at: number;
}

/** PutDataEventSelector's settings of one trail (0006); no row = no selectors. */
export interface DataEventSelectorsTable {
  account_id: string;
  trail_name: string;
  /** The JSON-array string exactly as sent. */
  event_selectors: string;
  is_trail_all_region: number;
  /** Comma-joined region ids as sent, '' when none. */
  trail_region_ids: string;
  created_at: number;
  updated_at: number;
}

/** UpdateGlobalEventsStorageRegion (0006); no row = the home region. */
export interface GlobalEventsStorageRegionsTable {
  account_id: string;
  storage_region: string;
  updated_at: number;
}

/** An advanced query template (0006); `template_id` is `utpl-…`, unique server-wide. */
export interface AdvancedQueryTemplatesTable {
  template_id: string;
  account_id: string;
  template_name: string;
  template_sql: string;
  simple_query: number;
  created_at: number;
  updated_at: number;
}

/** View (0004): the safe horizon of decisions §3, one row. */
export interface EventHorizonView {
  seq: number;
}

export interface Database {
  accounts: AccountsTable;
  access_keys: AccessKeysTable;
  access_key_generation: AccessKeyGenerationTable;
  used_nonces: UsedNoncesTable;
  delivery_jobs: DeliveryJobsTable;
  delivery_job_progress: DeliveryJobProgressTable;
  delivery_batches: DeliveryBatchesTable;
  delivery_job_failures: DeliveryJobFailuresTable;
  trails: TrailsTable;
  events: EventsTable;
  event_resources: EventResourcesTable;
  server_secrets: ServerSecretsTable;
  event_horizon: EventHorizonView;
  data_event_selectors: DataEventSelectorsTable;
  global_events_storage_regions: GlobalEventsStorageRegionsTable;
  advanced_query_templates: AdvancedQueryTemplatesTable;
}
