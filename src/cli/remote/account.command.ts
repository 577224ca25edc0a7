/**
 * Account-wide Actions in the trails/jobs style (regions, the global events storage region,
 * AccessKey last-used audit) and `opentrail api`, which calls any Action by name so that
 * everything the API offers is reachable from the terminal, also what has no command of its own
 * (the usage statistics, Actions a newer server adds).
 */
import type { Command } from 'commander';
import type { ApiParams } from './api-client.js';
import { printJson, printRecord, printTable } from './output.js';
import { UsageError } from './profile.js';
import {
  addRemoteOptions,
  clientFrom,
  type RemoteOptions,
  remoteAction,
} from './remote-options.js';

type Row = Record<string, unknown>;

/** `Name=Value` arguments; a value may contain `=`. */
export function parseAssignments(args: readonly string[]): ApiParams {
  const params: ApiParams = {};
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq < 1) throw new UsageError(`parameters are Name=Value, not "${arg}"`);
    params[arg.slice(0, eq)] = arg.slice(eq + 1);
  }
  return params;
}

/** `Detail` is a whole event as JSON: too wide for a table (it stays in --json). */
const TABLE_OMITS = new Set(['Detail', 'ServiceNameCn', 'ServiceNameEn']);

function printRows(rows: Row[]): void {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter(
    (c) => !TABLE_OMITS.has(c),
  );
  printTable(
    columns,
    rows.map((r) =>
      columns.map((c) => (typeof r[c] === 'object' ? JSON.stringify(r[c]) : (r[c] as string))),
    ),
  );
}

const KEY_USAGE = [
  ['info', 'GetAccessKeyLastUsedInfo', undefined, 'when and where the key was last used'],
  ['products', 'GetAccessKeyLastUsedProducts', 'Products', 'the services the key was used with'],
  ['events', 'GetAccessKeyLastUsedEvents', 'Events', 'the key’s last events with one service'],
  ['ips', 'GetAccessKeyLastUsedIps', 'Ips', 'the addresses the key was used from with one service'],
  [
    'resources',
    'GetAccessKeyLastUsedResources',
    'Resources',
    'the resources the key touched with one service',
  ],
] as const;

export function registerAccountCommands(program: Command): void {
  addRemoteOptions(program.command('regions'))
    .description('the regions the server serves (DescribeRegions)')
    .option('--language <lang>', 'AcceptLanguage: zh-CN, en-US or ja')
    .action(
      remoteAction(async (opts: RemoteOptions & { language?: string }) => {
        const body = await clientFrom(opts).call('DescribeRegions', {
          AcceptLanguage: opts.language,
        });
        if (opts.json) return printJson(body);
        printRows(((body.Regions as Row | undefined)?.Region as Row[]) ?? []);
      }),
    );

  const storage = program
    .command('storage-region')
    .description('the region global events are stored in (signed API)');
  addRemoteOptions(storage.command('show'))
    .description('GetGlobalEventsStorageRegion')
    .action(
      remoteAction(async (opts: RemoteOptions) => {
        const body = await clientFrom(opts).call('GetGlobalEventsStorageRegion');
        if (opts.json) return printJson(body);
        process.stdout.write(`${String(body.StorageRegion)}\n`);
      }),
    );
  addRemoteOptions(storage.command('set <region>'))
    .description('UpdateGlobalEventsStorageRegion')
    .action(
      remoteAction(async (region: string, opts: RemoteOptions) => {
        const body = await clientFrom(opts).call('UpdateGlobalEventsStorageRegion', {
          StorageRegion: region,
        });
        if (opts.json) return printJson(body);
        process.stdout.write(`global events are stored in ${region}\n`);
      }),
    );

  const usage = program
    .command('key-usage')
    .description('where and when an AccessKey was used, from the event history (signed API)');
  for (const [verb, action, list, what] of KEY_USAGE) {
    const cmd = addRemoteOptions(usage.command(`${verb} <accessKeyId>`)).description(
      `${what} (${action})`,
    );
    if (list && verb !== 'products')
      cmd.requiredOption('--service <name>', 'ServiceName, e.g. Ecs');
    cmd.action(
      remoteAction(async (accessKey: string, opts: RemoteOptions & { service?: string }) => {
        const body = await clientFrom(opts).call(action, {
          AccessKey: accessKey,
          ServiceName: opts.service,
        });
        if (opts.json) return printJson(body);
        if (list) printRows((body[list] as Row[]) ?? []);
        else
          printRecord(
            Object.fromEntries(Object.entries(body).filter(([k]) => !TABLE_OMITS.has(k))),
          );
      }),
    );
  }

  addRemoteOptions(program.command('api <action> [params...]'))
    .description('call any Action by name with Name=Value parameters; prints the JSON answer')
    .action(
      remoteAction(async (action: string, params: string[], opts: RemoteOptions) => {
        const body = await clientFrom(opts).call(action, parseAssignments(params));
        // Always JSON: an arbitrary answer has no table shape; --json is accepted for symmetry.
        if (opts.json) return printJson(body);
        process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
      }),
    );
}
