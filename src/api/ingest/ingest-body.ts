import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { type IngestRecord, MAX_EVENTS_PER_REQUEST } from '../../domain/events/ingest-events.js';
import { ApiError } from '../../errors/api-error.js';

/** decisions §3: 10 MB (MiB) per request, both as sent and once inflated. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

const inflate = promisify(gunzip);

export type BodyFormat = 'json' | 'ndjson';

export interface DecodedBody {
  format: BodyFormat;
  /** Bytes after inflating (equal to the body size without Content-Encoding). */
  inflatedBytes: number;
  records: IngestRecord[];
}

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string {
  const v = headers[name];
  return (Array.isArray(v) ? v.join(',') : (v ?? '')).trim().toLowerCase();
}

/** The media type without parameters (`application/json; charset=utf-8` → `application/json`). */
export function bodyFormat(contentType: string): BodyFormat | undefined {
  const media = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (media === 'application/json') return 'json';
  if (media === 'application/x-ndjson' || media === 'application/ndjson') return 'ndjson';
  return undefined;
}

function bodyError(message: string): ApiError {
  return new ApiError('InvalidParameter', message);
}

/**
 * Turns an ingest body into records, enforcing the whole-request limits of decisions §3:
 * inflated size (413), media type and syntax (400 InvalidParameter) and the event count (400).
 * A broken NDJSON line only rejects that line; a body of which nothing parses is refused whole.
 */
export async function decodeIngestBody(body: Buffer, headers: Headers): Promise<DecodedBody> {
  const format = bodyFormat(header(headers, 'content-type'));
  if (!format) {
    throw bodyError(
      'The request Content-Type must be application/json (an array of events) or application/x-ndjson (one event per line).',
    );
  }
  const bytes = await inflateBody(body, header(headers, 'content-encoding'));
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a UTF-8 byte-order mark
  const records = format === 'json' ? jsonArrayRecords(text) : ndjsonRecords(text);
  return { format, inflatedBytes: bytes.length, records };
}

async function inflateBody(body: Buffer, encoding: string): Promise<Buffer> {
  if (encoding === '' || encoding === 'identity') return body;
  if (encoding !== 'gzip' && encoding !== 'x-gzip') {
    throw bodyError(`The request Content-Encoding "${encoding}" is not supported; use gzip.`);
  }
  try {
    // The cap stops a small "zip bomb" from being inflated into memory beyond the limit.
    return await inflate(body, { maxOutputLength: MAX_BODY_BYTES });
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ApiError(
        'RequestEntityTooLarge',
        `The request body inflates to more than ${MAX_BODY_BYTES} bytes.`,
      );
    }
    throw bodyError(`The request body is not valid gzip: ${(e as Error).message}.`);
  }
}

function tooMany(count: number): ApiError {
  return bodyError(
    `A request carries at most ${MAX_EVENTS_PER_REQUEST} events; this one has ${count}.`,
  );
}

function jsonArrayRecords(text: string): IngestRecord[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw bodyError(`The request body is not valid JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(parsed)) {
    throw bodyError('The request body must be a JSON array of events.');
  }
  if (parsed.length > MAX_EVENTS_PER_REQUEST) throw tooMany(parsed.length);
  return parsed.map((value: unknown) => ({ value }));
}

/** One event per non-blank line; `Index` in the answer counts those lines from 0. */
function ndjsonRecords(text: string): IngestRecord[] {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  // Counted before parsing, so an oversized batch costs no JSON work.
  if (lines.length > MAX_EVENTS_PER_REQUEST) throw tooMany(lines.length);
  let parsedAny = false;
  const records = lines.map((line): IngestRecord => {
    try {
      const value: unknown = JSON.parse(line);
      parsedAny = true;
      return { value };
    } catch (e) {
      return { unreadable: `the line is not valid JSON: ${(e as Error).message}` };
    }
  });
  if (records.length > 0 && !parsedAny) {
    throw bodyError('The request body is not NDJSON: no line is a JSON value.');
  }
  return records;
}
