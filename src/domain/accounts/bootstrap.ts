import type { Kysely } from 'kysely';
import type { DatabaseHandle } from '../../db/open-database.js';
import {
  findAccessKey,
  insertAccessKey,
  listAccessKeys,
  updatePresetKey,
} from '../../db/repositories/access-keys.repository.js';
import {
  findAccount,
  insertAccount,
  listAccounts,
} from '../../db/repositories/accounts.repository.js';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import { newAccountId } from '../../lib/ids.js';
import { createAccessKey, type NewAccessKey } from './access-keys.js';

export interface BootstrapPresets {
  accountId?: string | undefined;
  accessKeyId?: string | undefined;
  accessKeySecret?: string | undefined;
}

export interface BootstrapResult {
  /** Set when this start generated a key: its secret must be shown once. */
  generated?: NewAccessKey;
  /** The account presets apply to, or the first account. */
  accountId: string;
}

async function ensureAccount(db: Kysely<Database>, id: string, now: number): Promise<void> {
  if (!(await findAccount(db, id))) await insertAccount(db, { id, created_at: now });
}

async function applyKeyPreset(
  db: Kysely<Database>,
  accountId: string,
  keyId: string,
  secret: string,
  now: number,
): Promise<void> {
  const existing = await findAccessKey(db, keyId);
  if (existing) {
    await updatePresetKey(db, keyId, { secret, account_id: accountId, status: 'Active' });
    return;
  }
  await insertAccessKey(db, {
    id: keyId,
    account_id: accountId,
    secret,
    kind: 'long_term',
    security_token: null,
    expires_at: null,
    status: 'Active',
    is_admin: 0,
    description: 'preset from OPENTRAIL_ACCESS_KEY_ID',
    created_at: now,
  });
}

/**
 * First start (decisions §2): on an empty database create one account and one key, or apply
 * the OPENTRAIL_ACCOUNT_ID / OPENTRAIL_ACCESS_KEY_ID / OPENTRAIL_ACCESS_KEY_SECRET presets.
 * Runs under the database's exclusive lock so concurrent first starts create one account.
 */
export async function bootstrapAccounts(
  handle: DatabaseHandle,
  clock: Clock,
  presets: BootstrapPresets,
): Promise<BootstrapResult> {
  return handle.dialect.withExclusiveLock(handle.db, 'opentrail-bootstrap', async (db) => {
    const now = clock.now();
    const accounts = await listAccounts(db);
    const accountId = presets.accountId ?? accounts[0]?.id ?? newAccountId();
    await ensureAccount(db, accountId, now);

    if (presets.accessKeyId !== undefined && presets.accessKeySecret !== undefined) {
      await applyKeyPreset(db, accountId, presets.accessKeyId, presets.accessKeySecret, now);
      return { accountId };
    }
    const keys = await listAccessKeys(db, accountId);
    if (keys.length > 0 || (accounts.length > 0 && presets.accountId === undefined)) {
      return { accountId };
    }
    const generated = await createAccessKey(db, clock, {
      accountId,
      description: 'generated on first start',
    });
    return { accountId, generated };
  });
}
