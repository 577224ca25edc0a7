/**
 * The Actions [T] added, in the trails/jobs style: data event selectors
 * (Put/Get/Delete/ListDataEventSelectors, ListDataEventServices) and advanced query templates
 * (Create/Describe/Get/Update/DeleteAdvancedQueryTemplate).
 */
import { readFileSync } from 'node:fs';
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

/** `--selectors '<json>'` or `--selectors @file.json`: the EventSelectors string as sent. */
function selectorsArgument(text: string): string {
  const json = text.startsWith('@') ? readFileSync(text.slice(1), 'utf8') : text;
  try {
    JSON.parse(json);
  } catch (e) {
    throw new UsageError(`--selectors is not JSON: ${(e as Error).message}`);
  }
  return json;
}

function registerSelectors(program: Command): void {
  const selectors = program
    .command('selectors')
    .description('data event selectors of trails (signed API)');

  addRemoteOptions(selectors.command('put <trailName>'))
    .description('set the data event selectors of a trail (PutDataEventSelector)')
    .requiredOption('--selectors <json>', 'EventSelectors: a JSON array, or @file.json')
    .option('--all-regions', 'IsTrailAllRegion=true')
    .option('--regions <ids>', 'TrailRegionIds, comma-separated')
    .action(
      remoteAction(
        async (
          trail: string,
          opts: RemoteOptions & { selectors: string; allRegions?: boolean; regions?: string },
        ) => {
          const body = await clientFrom(opts).call('PutDataEventSelector', {
            TrailName: trail,
            EventSelectors: selectorsArgument(opts.selectors),
            ...(opts.allRegions ? { IsTrailAllRegion: true } : {}),
            TrailRegionIds: opts.regions,
          });
          if (opts.json) return printJson(body);
          process.stdout.write(`set data event selectors of ${trail}\n`);
        },
      ),
    );

  for (const [verb, action, what] of [
    ['show', 'GetDataEventSelector', 'show the data event selectors of a trail'],
    ['delete', 'DeleteDataEventSelector', 'remove the data event selectors of a trail'],
  ] as const) {
    addRemoteOptions(selectors.command(`${verb} <trailName>`))
      .description(`${what} (${action})`)
      .action(
        remoteAction(async (trail: string, opts: RemoteOptions) => {
          const body = await clientFrom(opts).call(action, { TrailName: trail });
          if (opts.json) return printJson(body);
          if (verb === 'delete') process.stdout.write(`deleted data event selectors of ${trail}\n`);
          else printRecord(body);
        }),
      );
  }

  for (const [verb, action, list, what] of [
    [
      'list',
      'ListDataEventSelectors',
      'DataEventSelectorInfos',
      'trails with data event selectors',
    ],
    ['services', 'ListDataEventServices', 'ServiceInfos', 'services that have data events'],
  ] as const) {
    addRemoteOptions(selectors.command(verb))
      .description(`${what} (${action}), every page`)
      .action(
        remoteAction(async (opts: RemoteOptions) => {
          const client = clientFrom(opts);
          const items: Row[] = [];
          let token: string | undefined;
          do {
            const body = await client.call(action, { MaxResults: 100, NextToken: token });
            const data = (body.Data ?? {}) as Row;
            items.push(...((data[list] as Row[]) ?? []));
            token =
              typeof data.NextToken === 'string' && data.NextToken !== ''
                ? data.NextToken
                : undefined;
          } while (token !== undefined);
          if (opts.json) return printJson({ [list]: items });
          const columns = [...new Set(items.flatMap((i) => Object.keys(i)))];
          printTable(
            columns,
            items.map((i) =>
              columns.map((c) =>
                typeof i[c] === 'object' ? JSON.stringify(i[c]) : (i[c] as string),
              ),
            ),
          );
        }),
      );
  }
}

interface TemplateOptions extends RemoteOptions {
  name?: string;
  sql?: string;
  simple?: boolean;
}

function templateParams(opts: TemplateOptions): ApiParams {
  return {
    TemplateName: opts.name,
    TemplateSql: opts.sql,
    ...(opts.simple !== undefined ? { SimpleQuery: opts.simple } : {}),
  };
}

const TEMPLATE_COLUMNS = ['TemplateId', 'TemplateName', 'SimpleQuery', 'TemplateSql'];
const templateRow = (t: Row) => TEMPLATE_COLUMNS.map((c) => t[c] as string);

function registerTemplates(program: Command): void {
  const templates = program
    .command('templates')
    .description('advanced query templates (signed API)');

  addRemoteOptions(templates.command('create'))
    .description('save a query template (CreateAdvancedQueryTemplate); prints its TemplateId')
    .requiredOption('--sql <sql>', 'TemplateSql')
    .option('--name <name>', 'TemplateName')
    .option('--simple', 'SimpleQuery=true (default false)')
    .action(
      remoteAction(async (opts: TemplateOptions) => {
        const body = await clientFrom(opts).call('CreateAdvancedQueryTemplate', {
          ...templateParams(opts),
          SimpleQuery: opts.simple === true,
        });
        if (opts.json) return printJson(body);
        process.stdout.write(`${String(body.TemplateId)}\n`);
      }),
    );

  addRemoteOptions(templates.command('list'))
    .description('list query templates (DescribeAdvancedQueryTemplate)')
    .option('--name <text>', 'only names containing this')
    .option('--page <n>', 'page number', '1')
    .option('--page-size <n>', 'templates per page (1–100)', '100')
    .action(
      remoteAction(
        async (opts: RemoteOptions & { name?: string; page: string; pageSize: string }) => {
          const body = await clientFrom(opts).call('DescribeAdvancedQueryTemplate', {
            TemplateName: opts.name,
            PageNumber: opts.page,
            PageSize: opts.pageSize,
          });
          if (opts.json) return printJson(body);
          const page = (body.TemplatePage ?? {}) as Row;
          printTable(TEMPLATE_COLUMNS, ((page.TemplateList as Row[]) ?? []).map(templateRow));
        },
      ),
    );

  addRemoteOptions(templates.command('show <templateId>'))
    .description('one query template (GetAdvancedQueryTemplate)')
    .action(
      remoteAction(async (id: string, opts: RemoteOptions) => {
        const body = await clientFrom(opts).call('GetAdvancedQueryTemplate', { TemplateId: id });
        if (opts.json) return printJson(body);
        printRecord(body);
      }),
    );

  addRemoteOptions(templates.command('update <templateId>'))
    .description('change a query template (UpdateAdvancedQueryTemplate): only what is given')
    .option('--sql <sql>', 'TemplateSql')
    .option('--name <name>', 'TemplateName ("" clears it)')
    .option('--simple', 'SimpleQuery=true')
    .option('--no-simple', 'SimpleQuery=false')
    .action(
      remoteAction(async (id: string, opts: TemplateOptions) => {
        const body = await clientFrom(opts).call('UpdateAdvancedQueryTemplate', {
          TemplateId: id,
          ...templateParams(opts),
        });
        if (opts.json) return printJson(body);
        process.stdout.write(`updated template ${id}\n`);
      }),
    );

  addRemoteOptions(templates.command('delete <templateId>'))
    .description('delete a query template (DeleteAdvancedQueryTemplate)')
    .action(
      remoteAction(async (id: string, opts: RemoteOptions) => {
        const body = await clientFrom(opts).call('DeleteAdvancedQueryTemplate', { TemplateId: id });
        if (opts.json) return printJson(body);
        process.stdout.write(`deleted template ${id}\n`);
      }),
    );
}

export function registerSelectorsAndTemplatesCommands(program: Command): void {
  registerSelectors(program);
  registerTemplates(program);
}
