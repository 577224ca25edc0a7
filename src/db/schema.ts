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
  /** Highest event sequence the job delivers (decisions §5 cut-off). */
  cutoff_seq: number | null;
  deleted_at: number | null;
  stop_reason: string | null;
  last_error: string | null;
  attempts: number;
  run_at: number;
  locked_by: string | null;
  lease_expires_at: number | null;
  heartbeat_at: number | null;
  finished_at: number | null;
}

/** Per-region progress of a job; GetDeliveryHistoryJob's `Status[]`. */
export interface DeliveryJobRegionsTable {
  job_id: number;
  region: string;
  status: number;
  checkpoint_seq: number | null;
  delivered_count: number;
  error_code: string | null;
  error_message: string | null;
  updated_at: number;
}

export interface Database {
  accounts: AccountsTable;
  access_keys: AccessKeysTable;
  used_nonces: UsedNoncesTable;
  delivery_jobs: DeliveryJobsTable;
  delivery_job_regions: DeliveryJobRegionsTable;
}
