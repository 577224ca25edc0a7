import type { Command } from 'commander';
import { openDatabase } from '../db/open-database.js';
import { createAccessKey, listKeys, setKeyEnabled } from '../domain/accounts/access-keys.js';
import { systemClock } from '../lib/clock.js';
import { formatIsoSeconds } from '../lib/time.js';
import { addCommonOptions, type CommonOptions, configFromOptions } from './common-options.js';

interface CreateOptions extends CommonOptions {
  account?: string;
  newAccount?: boolean;
  sts?: boolean;
  ttl: string;
  admin?: boolean;
  json?: boolean;
}

async function withDatabase<T>(
  opts: CommonOptions,
  fn: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>,
): Promise<T> {
  const handle = await openDatabase(configFromOptions(opts));
  try {
    return await fn(handle);
  } finally {
    await handle.close();
  }
}

function parseTtl(text: string): number {
  const ttl = Number(text);
  if (!Number.isInteger(ttl) || ttl < 60 || ttl > 43_200) {
    throw new Error('--ttl must be whole seconds between 60 and 43200 (12 hours)');
  }
  return ttl;
}

/** `opentrail keys …`: manage AccessKeys in the database (works while the server runs). */
export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('manage accounts and AccessKeys');

  addCommonOptions(keys.command('create'))
    .description('create an AccessKey (long-term, or temporary with --sts)')
    .option('--account <id>', 'account the key belongs to (default: the only account)')
    .option('--new-account', 'create a new account for the key (with --account: that id)')
    .option('--sts', 'create a temporary STS key with a SecurityToken')
    .option('--ttl <seconds>', 'lifetime of an STS key in seconds', '3600')
    .option('--admin', 'flag the key as admin (test hooks)')
    .option('--json', 'print JSON')
    .action(async (opts: CreateOptions) => {
      const ttlSeconds = parseTtl(opts.ttl);
      const key = await withDatabase(opts, ({ db }) =>
        createAccessKey(db, systemClock, {
          ...(opts.account !== undefined ? { accountId: opts.account } : {}),
          newAccount: opts.newAccount === true,
          ...(opts.sts ? { sts: { ttlSeconds } } : {}),
          admin: opts.admin === true,
        }),
      );
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(key)}\n`);
        return;
      }
      const lines = [
        `AccountId:       ${key.accountId}`,
        `AccessKeyId:     ${key.accessKeyId}`,
        `AccessKeySecret: ${key.accessKeySecret}`,
      ];
      if (key.securityToken) lines.push(`SecurityToken:   ${key.securityToken}`);
      if (key.expiresAt) lines.push(`Expiration:      ${formatIsoSeconds(key.expiresAt)}`);
      if (key.admin) lines.push('Admin:           yes');
      process.stdout.write(`${lines.join('\n')}\n`);
    });

  addCommonOptions(keys.command('list'))
    .description('list AccessKeys (never their secrets)')
    .option('--account <id>', 'only this account')
    .option('--json', 'print JSON')
    .action(async (opts: CommonOptions & { account?: string; json?: boolean }) => {
      const rows = await withDatabase(opts, ({ db }) => listKeys(db, opts.account));
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(rows)}\n`);
        return;
      }
      const header =
        'ACCESS KEY ID                   ACCOUNT            KIND       STATUS    ADMIN  EXPIRES';
      const body = rows.map((k) =>
        [
          k.accessKeyId.padEnd(31),
          k.accountId.padEnd(18),
          k.kind.padEnd(10),
          k.status.padEnd(9),
          (k.admin ? 'yes' : 'no').padEnd(6),
          k.expiresAt ? formatIsoSeconds(k.expiresAt) : '-',
        ].join(' '),
      );
      process.stdout.write(`${[header, ...body].join('\n')}\n`);
    });

  for (const [name, enabled] of [
    ['disable', false],
    ['enable', true],
  ] as const) {
    addCommonOptions(keys.command(`${name} <accessKeyId>`))
      .description(`${name} an AccessKey`)
      .action(async (id: string, opts: CommonOptions) => {
        await withDatabase(opts, ({ db }) => setKeyEnabled(db, id, enabled));
        process.stdout.write(`${id} ${enabled ? 'enabled' : 'disabled'}\n`);
      });
  }
}
