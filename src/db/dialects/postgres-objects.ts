/**
 * Names and lock keys that PostgreSQL migrations and the PostgreSQL dialect share. Two-key
 * advisory locks (objsubid 2 in pg_locks) keep ours apart from other applications' one-key
 * locks on a shared server; the first key says which kind of lock it is.
 */

/** Named exclusive locks (migrations, first start): (this, hashtext(name)). */
export const NAMED_LOCK_NAMESPACE = 0x6f74; // 'ot'

/** Held shared by every transaction that stores events, from its first sequence to its end. */
export const EVENT_WRITERS_LOCK = [0x6f65, 1] as const; // 'oe'

/** NOTIFY channel on which a new delivery job is announced (payload: the job id). */
export const JOBS_CHANNEL = 'opentrail_jobs';

/** NOTIFY channel on which any change to `access_keys` is announced (no payload; 0011). */
export const ACCESS_KEYS_CHANNEL = 'opentrail_access_keys';
