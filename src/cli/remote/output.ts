/**
 * How remote commands print: `--json` gives the API's answer as is (one line, for jq), people
 * get aligned tables. Errors print `opentrail: <Code>: <message>` and a one-line hint on stderr
 * and map to exit codes scripts can branch on (docs/cli.md).
 */
import { ConnectionError, RemoteApiError } from './api-client.js';
import { UsageError } from './profile.js';

export const EXIT = {
  ok: 0,
  /** The command ran but what it watched failed (a job ended in status 3). */
  failed: 1,
  /** Bad flags or arguments, or no endpoint/key configured. */
  usage: 2,
  /** The API refused the request (400 InvalidParameter, TrailAlreadyExistsException, …). */
  rejected: 3,
  /** What was named does not exist (404: TrailNotFoundException, DeliveryHistoryJobNotFound, …). */
  notFound: 4,
  /** The key was refused (unknown, disabled, wrong secret, expired token). */
  auth: 5,
  /** The server could not be reached or failed (network error, timeout, 5xx). */
  unavailable: 6,
  /** `jobs watch --timeout` ran out while the job was still running. */
  watchTimeout: 7,
} as const;

const AUTH_CODES =
  /^(InvalidAccessKeyId|SignatureDoesNotMatch|IncompleteSignature|InvalidTimeStamp|SignatureNonceUsed|MissingSecurityToken|InvalidSecurityToken|Forbidden|NoPermission)/;

export function exitCodeFor(e: unknown): number {
  if (e instanceof UsageError) return EXIT.usage;
  if (e instanceof ConnectionError) return EXIT.unavailable;
  if (e instanceof RemoteApiError) {
    if (AUTH_CODES.test(e.code)) return EXIT.auth;
    if (e.status >= 500) return EXIT.unavailable;
    if (e.status === 404) return EXIT.notFound;
    return EXIT.rejected;
  }
  return EXIT.failed;
}

/** One line that says what to do next, for the codes a CLI user meets. */
export function hintFor(e: unknown): string | undefined {
  if (e instanceof ConnectionError) {
    return 'is the server running? check --endpoint / OPENTRAIL_ENDPOINT (opentrail serve prints its URL)';
  }
  if (!(e instanceof RemoteApiError)) return undefined;
  const code = e.code;
  if (code.startsWith('InvalidAccessKeyId.NotFound')) {
    return 'the server does not know this AccessKey: create one with opentrail keys create';
  }
  if (code === 'InvalidAccessKeyId.Inactive')
    return 'the key is disabled: opentrail keys enable <id>';
  if (code === 'SignatureDoesNotMatch')
    return 'the AccessKeySecret does not belong to this AccessKeyId';
  if (code.startsWith('InvalidTimeStamp')) return "this machine's clock is off; sync it (NTP)";
  if (code.startsWith('InvalidSecurityToken') || code === 'MissingSecurityToken') {
    return 'temporary (STS.) keys need their current SecurityToken: --security-token';
  }
  if (code === 'TrailNotFoundException') return 'list the trails: opentrail trails list';
  if (code === 'DeliveryHistoryJobNotFound') return 'list the jobs: opentrail jobs list';
  if (code === 'InvalidTrailDestination') {
    return 'jobs need a trail with --sls-project-arn acs:log:<region>:<account>:project/<name> (or a server with OPENTRAIL_DELIVERY_HISTORY_TO_OSS=true)';
  }
  if (code === 'DeliveryHistoryJobAlreadyRunning') return 'wait for it: opentrail jobs watch <id>';
  if (code === 'TrailAlreadyExistsException')
    return 'pick another name, or opentrail trails update';
  if (code === 'UnsupportedOperation') return 'this server does not implement that Action yet';
  if (e.status >= 500) return 'the server failed; its log has the cause (RequestId above)';
  return undefined;
}

/** Prints the error and returns the exit code (main.ts sets it). */
export function reportError(e: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
  const code = exitCodeFor(e);
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof RemoteApiError) {
    stderr.write(
      `opentrail: ${e.code}: ${message}${e.requestId ? ` (RequestId ${e.requestId})` : ''}\n`,
    );
  } else {
    stderr.write(`opentrail: ${message}\n`);
  }
  const hint = hintFor(e);
  if (hint) stderr.write(`hint: ${hint}\n`);
  return code;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

type Cell = string | number | boolean | null | undefined;

function cellText(v: Cell): string {
  if (v === null || v === undefined || v === '') return '-';
  return String(v);
}

/** An aligned table with an upper-case header; the last column is not padded. */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly Cell[])[],
): string {
  const texts = rows.map((r) => headers.map((_, i) => cellText(r[i])));
  const widths = headers.map((h, i) => Math.max(h.length, ...texts.map((t) => t[i]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers.map((h) => h.toUpperCase())), ...texts.map(line)].join('\n');
}

/** `Key: value` lines, keys aligned, for one object (show commands). */
export function formatRecord(record: Record<string, unknown>): string {
  const keys = Object.keys(record).filter((k) => k !== 'RequestId');
  const width = Math.max(0, ...keys.map((k) => k.length));
  return keys
    .map((k) => {
      const v = record[k];
      const text = typeof v === 'object' && v !== null ? JSON.stringify(v) : cellText(v as Cell);
      return `${`${k}:`.padEnd(width + 1)} ${text}`;
    })
    .join('\n');
}

export function printTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): void {
  process.stdout.write(`${formatTable(headers, rows)}\n`);
}

export function printRecord(record: Record<string, unknown>): void {
  process.stdout.write(`${formatRecord(record)}\n`);
}
