import type { Command } from 'commander';
import { type ApiParams, RemoteApiError } from './api-client.js';
import { printJson, printRecord, printTable } from './output.js';
import {
  addRemoteOptions,
  clientFrom,
  type RemoteOptions,
  remoteAction,
} from './remote-options.js';

/** Flag → API parameter for the settings CreateTrail and UpdateTrail share. */
const SETTINGS = [
  ['--oss-bucket-name <name>', 'ossBucketName', 'OssBucketName', 'OSS bucket to deliver to'],
  ['--oss-key-prefix <prefix>', 'ossKeyPrefix', 'OssKeyPrefix', 'prefix of the delivered objects'],
  ['--oss-write-role-arn <arn>', 'ossWriteRoleArn', 'OssWriteRoleArn', 'role used to write to OSS'],
  [
    '--sls-project-arn <arn>',
    'slsProjectArn',
    'SlsProjectArn',
    'Log Service project: acs:log:<region>:<accountId>:project/<name>',
  ],
  ['--sls-write-role-arn <arn>', 'slsWriteRoleArn', 'SlsWriteRoleArn', 'role used to write to SLS'],
  [
    '--max-compute-project-arn <arn>',
    'maxComputeProjectArn',
    'MaxComputeProjectArn',
    'MaxCompute project (stored, never delivered to)',
  ],
  [
    '--max-compute-write-role-arn <arn>',
    'maxComputeWriteRoleArn',
    'MaxComputeWriteRoleArn',
    'role used to write to MaxCompute',
  ],
  ['--event-rw <rw>', 'eventRw', 'EventRW', 'events to record: Read, Write or All'],
  ['--trail-region <region>', 'trailRegion', 'TrailRegion', 'regions to record: a region or All'],
] as const;

type SettingsOptions = RemoteOptions & Partial<Record<(typeof SETTINGS)[number][1], string>>;

function addSettings(cmd: Command, update: boolean): Command {
  for (const [flag, , , help] of SETTINGS) {
    cmd.option(flag, update ? `${help} ("" clears it)` : help);
  }
  return cmd;
}

function settingsParams(opts: SettingsOptions): ApiParams {
  const params: ApiParams = {};
  for (const [, key, parameter] of SETTINGS) {
    const value = opts[key];
    if (value !== undefined) params[parameter] = value;
  }
  return params;
}

const LIST_COLUMNS = ['Name', 'Status', 'HomeRegion', 'TrailRegion', 'EventRW', 'Destination'];

function destination(t: Record<string, unknown>): string {
  const out: string[] = [];
  if (t.OssBucketName) out.push(`oss://${t.OssBucketName}/${t.OssKeyPrefix ?? ''}`);
  if (t.SlsProjectArn) out.push(String(t.SlsProjectArn));
  if (t.MaxComputeProjectArn) out.push(String(t.MaxComputeProjectArn));
  return out.join(', ');
}

export function trailRows(trails: readonly Record<string, unknown>[]) {
  return trails.map((t) => [
    t.Name as string,
    t.Status as string,
    t.HomeRegion as string,
    t.TrailRegion as string,
    t.EventRW as string,
    destination(t),
  ]);
}

/** `opentrail trails …`: CreateTrail, DescribeTrails, UpdateTrail, DeleteTrail, Start/StopLogging, GetTrailStatus. */
export function registerTrailsCommand(program: Command): void {
  const trails = program
    .command('trails')
    .description('manage trails on a running server (signed API)');

  addSettings(addRemoteOptions(trails.command('create <name>')), false)
    .description('create a trail (CreateTrail); it starts stopped: opentrail trails start <name>')
    .option('--organization', 'an organization trail (IsOrganizationTrail=true)')
    .action(
      remoteAction(async (name: string, opts: SettingsOptions & { organization?: boolean }) => {
        const body = await clientFrom(opts).call('CreateTrail', {
          Name: name,
          ...settingsParams(opts),
          ...(opts.organization ? { IsOrganizationTrail: true } : {}),
        });
        if (opts.json) return printJson(body);
        process.stdout.write(`created trail ${name}\n`);
      }),
    );

  addRemoteOptions(trails.command('list'))
    .description('list trails (DescribeTrails)')
    .option('--name <names>', 'only these trails (comma-separated)')
    .option('--include-organization', 'include organization trails')
    .action(
      remoteAction(
        async (opts: RemoteOptions & { name?: string; includeOrganization?: boolean }) => {
          const body = await clientFrom(opts).call('DescribeTrails', {
            NameList: opts.name,
            ...(opts.includeOrganization ? { IncludeOrganizationTrail: true } : {}),
          });
          if (opts.json) return printJson(body);
          printTable(LIST_COLUMNS, trailRows((body.TrailList as Record<string, unknown>[]) ?? []));
        },
      ),
    );

  addRemoteOptions(trails.command('show <name>'))
    .description('show one trail with every setting (DescribeTrails NameList=<name>)')
    .action(
      remoteAction(async (name: string, opts: RemoteOptions) => {
        const body = await clientFrom(opts).call('DescribeTrails', { NameList: name });
        const trail = ((body.TrailList as Record<string, unknown>[]) ?? []).find(
          (t) => t.Name === name,
        );
        // DescribeTrails answers an empty list for an unknown name; a script wants a 404.
        if (!trail) {
          throw new RemoteApiError(404, 'TrailNotFoundException', `no trail named ${name}`);
        }
        if (opts.json) return printJson(trail);
        printRecord(trail);
      }),
    );

  addSettings(addRemoteOptions(trails.command('update <name>')), true)
    .description('change a trail (UpdateTrail): only the settings given change')
    .action(
      remoteAction(async (name: string, opts: SettingsOptions) => {
        const body = await clientFrom(opts).call('UpdateTrail', {
          Name: name,
          ...settingsParams(opts),
        });
        if (opts.json) return printJson(body);
        process.stdout.write(`updated trail ${name}\n`);
      }),
    );

  for (const [verb, action, done, what] of [
    ['delete', 'DeleteTrail', 'deleted', 'delete a trail'],
    ['start', 'StartLogging', 'started logging for', 'start recording events for a trail'],
    ['stop', 'StopLogging', 'stopped logging for', 'stop recording events for a trail'],
  ] as const) {
    addRemoteOptions(trails.command(`${verb} <name>`))
      .description(`${what} (${action})`)
      .action(
        remoteAction(async (name: string, opts: RemoteOptions) => {
          const body = await clientFrom(opts).call(action, { Name: name });
          if (opts.json) return printJson(body);
          process.stdout.write(`${done} trail ${name}\n`);
        }),
      );
  }

  addRemoteOptions(trails.command('status <name>'))
    .description('is the trail logging, and how is delivery going (GetTrailStatus)')
    .action(
      remoteAction(async (name: string, opts: RemoteOptions) => {
        const body = await clientFrom(opts).call('GetTrailStatus', { Name: name });
        if (opts.json) return printJson(body);
        printRecord(body);
      }),
    );
}
