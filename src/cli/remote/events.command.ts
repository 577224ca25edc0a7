import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Command } from 'commander';
import { EVENT_FILTER_KEYS } from '../../db/repositories/event-lookup.repository.js';
import type { ApiClient, ApiParams } from './api-client.js';
import { EXIT, printJson, printTable } from './output.js';
import { UsageError } from './profile.js';
import {
  addRemoteOptions,
  clientFrom,
  type RemoteOptions,
  remoteAction,
} from './remote-options.js';

/** `ServiceName` → `--service-name` / `serviceName`: one flag per LookupEvents filter key. */
const kebab = (key: string) => key.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
const camel = (key: string) => kebab(key).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

interface LookupOptions extends RemoteOptions {
  start?: string;
  end?: string;
  direction?: string;
  maxResults: string;
  nextToken?: string;
  all?: boolean;
  limit?: string;
  ndjson?: boolean;
  attribute: string[];
  [filter: string]: unknown;
}

/** The LookupAttribute.N list from the per-key flags and `--attribute Key=Value`. */
export function lookupAttributes(opts: Record<string, unknown>, raw: readonly string[]): ApiParams {
  const pairs: [string, string][] = [];
  for (const key of EVENT_FILTER_KEYS) {
    const value = opts[camel(key)];
    if (typeof value === 'string') pairs.push([key, value]);
  }
  for (const text of raw) {
    const eq = text.indexOf('=');
    if (eq < 1) throw new UsageError(`--attribute takes Key=Value, not "${text}"`);
    pairs.push([text.slice(0, eq), text.slice(eq + 1)]);
  }
  const params: ApiParams = {};
  pairs.forEach(([k, v], i) => {
    params[`LookupAttribute.${i + 1}.Key`] = k;
    params[`LookupAttribute.${i + 1}.Value`] = v;
  });
  return params;
}

const EVENT_COLUMNS = [
  'EventTime',
  'EventName',
  'ServiceName',
  'User',
  'SourceIp',
  'Region',
  'EventId',
];

export function eventRows(events: readonly Record<string, unknown>[]) {
  return events.map((e) => {
    const identity = (e.userIdentity ?? {}) as Record<string, unknown>;
    return [
      e.eventTime as string,
      e.eventName as string,
      e.serviceName as string,
      (identity.userName ?? identity.principalId ?? identity.accessKeyId) as string,
      e.sourceIpAddress as string,
      e.acsRegion as string,
      e.eventId as string,
    ];
  });
}

async function* lookupPages(client: ApiClient, base: ApiParams, all: boolean) {
  let token = base.NextToken;
  for (;;) {
    const body = await client.call('LookupEvents', { ...base, NextToken: token });
    yield body;
    token =
      typeof body.NextToken === 'string' && body.NextToken !== '' ? body.NextToken : undefined;
    if (!all || token === undefined) return;
  }
}

/** Splits a file's text into NDJSON lines: a JSON array becomes one line per element. */
export function eventLines(text: string): string[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (e) {
      throw new UsageError(`not a JSON array: ${(e as Error).message}`);
    }
    if (!Array.isArray(parsed)) throw new UsageError('not a JSON array');
    return parsed.map((e) => JSON.stringify(e));
  }
  // Lines the server cannot parse are sent anyway: it rejects just that line, with its index.
  return text.split('\n').filter((l) => l.trim() !== '');
}

export function registerEventsCommand(program: Command): void {
  const events = program.command('events').description('look up and send events (signed API)');

  const lookup = addRemoteOptions(events.command('lookup'))
    .description('find events (LookupEvents): a time range, up to two filters, paged')
    .option('--start <time>', 'StartTime, e.g. 2026-01-01T00:00:00Z (default: 7 days ago)')
    .option('--end <time>', 'EndTime (default: now)')
    .option('--direction <dir>', 'paging direction: Forward or Backward (newest first)')
    .option('--max-results <n>', 'events per page (1–50)', '20')
    .option('--next-token <token>', 'continue from this NextToken')
    .option('--all', 'follow NextToken to the last page')
    .option('--ndjson', 'one event per line as JSON (streams with --all)')
    .option(
      '--attribute <Key=Value>',
      'a LookupAttribute (repeatable)',
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    );
  for (const key of EVENT_FILTER_KEYS) {
    lookup.option(`--${kebab(key)} <value>`, `LookupAttribute ${key}`);
  }
  lookup.action(
    remoteAction(async (opts: LookupOptions) => {
      const client = clientFrom(opts);
      const base: ApiParams = {
        StartTime: opts.start,
        EndTime: opts.end,
        Direction: opts.direction,
        MaxResults: opts.maxResults,
        NextToken: opts.nextToken,
        ...lookupAttributes(opts, opts.attribute),
      };
      const collected: Record<string, unknown>[] = [];
      let last: Record<string, unknown> = {};
      for await (const page of lookupPages(client, base, opts.all === true)) {
        last = page;
        const list = (page.Events as Record<string, unknown>[]) ?? [];
        // NDJSON streams page by page, so `--all` over a long range starts printing at once.
        if (opts.ndjson) process.stdout.write(list.map((e) => `${JSON.stringify(e)}\n`).join(''));
        else collected.push(...list);
      }
      if (opts.ndjson) return;
      if (opts.json) {
        const { RequestId: _, ...rest } = last;
        return printJson(opts.all ? { ...rest, Events: collected } : last);
      }
      printTable(EVENT_COLUMNS, eventRows(collected));
      if (typeof last.NextToken === 'string' && last.NextToken !== '' && !opts.all) {
        process.stderr.write(`more: --next-token ${last.NextToken} (or --all)\n`);
      }
    }),
  );

  addRemoteOptions(events.command('put <file>'))
    .description('send events (POST /v1/events): a JSON array or NDJSON file, .gz too, - for stdin')
    .option('--batch-size <n>', 'events per request (≤ 10000)', '1000')
    .option('--gzip', 'compress requests')
    .action(
      remoteAction(
        async (file: string, opts: RemoteOptions & { batchSize: string; gzip?: boolean }) => {
          const size = Number(opts.batchSize);
          if (!Number.isInteger(size) || size < 1 || size > 10_000) {
            throw new UsageError('--batch-size must be 1–10000');
          }
          let bytes: Buffer;
          try {
            bytes = readFileSync(file === '-' ? 0 : file);
          } catch (e) {
            throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
          }
          if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
          const lines = eventLines(bytes.toString('utf8'));
          const client = clientFrom(opts);
          let accepted = 0;
          let duplicates = 0;
          const rejected: Record<string, unknown>[] = [];
          for (let start = 0; start < lines.length; start += size) {
            const batch = lines.slice(start, start + size);
            const body = await client.putEvents(Buffer.from(`${batch.join('\n')}\n`), {
              ndjson: true,
              gzip: opts.gzip === true,
            });
            accepted += Number(body.Accepted ?? 0);
            duplicates += Number(body.Duplicates ?? 0);
            for (const r of (body.Rejected as Record<string, unknown>[]) ?? []) {
              // Index is per request; report it as the position in the whole file.
              rejected.push({ ...r, Index: Number(r.Index) + start });
            }
          }
          if (opts.json) {
            printJson({
              Events: lines.length,
              Accepted: accepted,
              Duplicates: duplicates,
              Rejected: rejected,
            });
          } else {
            process.stdout.write(
              `${lines.length} events: ${accepted} accepted, ${duplicates} duplicates, ${rejected.length} rejected\n`,
            );
            for (const r of rejected.slice(0, 100)) {
              process.stderr.write(
                `  #${String(r.Index)}: ${String(r.Code)}: ${String(r.Message)}\n`,
              );
            }
          }
          // Scripts must notice a partly refused file even though the request itself succeeded.
          return rejected.length > 0 ? EXIT.rejected : EXIT.ok;
        },
      ),
    );
}
