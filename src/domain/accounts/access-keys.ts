import type { Kysely } from 'kysely';
import {
  type AccessKeyRow,
  findAccessKey,
  insertAccessKey,
  listAccessKeys,
  setAccessKeyStatus,
} from '../../db/repositories/access-keys.repository.js';
import { findAccount, insertAccount } from '../../db/repositories/accounts.repository.js';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import { newAccessKeySecret, newAccountId, newLongTermKeyId, newStsKeyId } from '../../lib/ids.js';
import { issueSecurityToken } from './security-token.js';

export class AccountError extends Error {
  override name = 'AccountError';
}

export interface NewAccessKey {
  accountId: string;
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
  expiresAt?: number;
  admin: boolean;
}

export interface CreateKeyOptions {
  /** Existing account, or a new one when undefined and `newAccount` is set. */
  accountId?: string;
  newAccount?: boolean;
  sts?: { ttlSeconds: number };
  admin?: boolean;
  description?: string;
}

/** The one account of a single-tenant install, when there is exactly one. */
async function soleAccountId(db: Kysely<Database>): Promise<string> {
  const rows = await db.selectFrom('accounts').select('id').limit(2).execute();
  if (rows.length === 1 && rows[0]) return rows[0].id;
  throw new AccountError(
    rows.length === 0
      ? 'there is no account yet; start the server once or pass --new-account'
      : 'several accounts exist; pass --account <id>',
  );
}

export async function createAccessKey(
  db: Kysely<Database>,
  clock: Clock,
  options: CreateKeyOptions,
): Promise<NewAccessKey> {
  const now = clock.now();
  let accountId: string;
  if (options.newAccount) {
    accountId = options.accountId ?? newAccountId();
    await insertAccount(db, { id: accountId, created_at: now });
  } else if (options.accountId !== undefined) {
    if (!(await findAccount(db, options.accountId))) {
      throw new AccountError(
        `account ${options.accountId} does not exist (use --new-account to create it)`,
      );
    }
    accountId = options.accountId;
  } else {
    accountId = await soleAccountId(db);
  }
  const sts = options.sts;
  const accessKeyId = sts ? newStsKeyId() : newLongTermKeyId();
  const row: AccessKeyRow = {
    id: accessKeyId,
    account_id: accountId,
    secret: newAccessKeySecret(),
    kind: sts ? 'sts' : 'long_term',
    security_token: sts ? issueSecurityToken(accessKeyId) : null,
    expires_at: sts ? now + sts.ttlSeconds * 1000 : null,
    status: 'Active',
    is_admin: options.admin ? 1 : 0,
    description: options.description ?? null,
    created_at: now,
  };
  await insertAccessKey(db, row);
  return {
    accountId,
    accessKeyId,
    accessKeySecret: row.secret,
    ...(row.security_token ? { securityToken: row.security_token } : {}),
    ...(row.expires_at !== null ? { expiresAt: row.expires_at } : {}),
    admin: row.is_admin === 1,
  };
}

/** What `keys list` shows: never the secret or the token. */
export interface AccessKeySummary {
  accessKeyId: string;
  accountId: string;
  kind: 'long_term' | 'sts';
  status: 'Active' | 'Inactive';
  admin: boolean;
  createdAt: number;
  expiresAt: number | null;
}

export async function listKeys(
  db: Kysely<Database>,
  accountId?: string,
): Promise<AccessKeySummary[]> {
  return (await listAccessKeys(db, accountId)).map((k) => ({
    accessKeyId: k.id,
    accountId: k.account_id,
    kind: k.kind,
    status: k.status,
    admin: k.is_admin === 1,
    createdAt: k.created_at,
    expiresAt: k.expires_at,
  }));
}

export async function setKeyEnabled(
  db: Kysely<Database>,
  accessKeyId: string,
  enabled: boolean,
): Promise<void> {
  if (!(await setAccessKeyStatus(db, accessKeyId, enabled ? 'Active' : 'Inactive'))) {
    throw new AccountError(`access key ${accessKeyId} does not exist`);
  }
}

export { findAccessKey };
