import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { readJsonArrayRecords } from './json-array-records.js';
import { splitLines } from './line-splitter.js';
import { errorText, parseRecordLine, type RecordResult } from './record-unwrap.js';

export type { RecordResult } from './record-unwrap.js';

/** `json-array`: `line` is a 0-based element index; `ndjson`: a 1-based line number. */
export type InputFormat = 'json-array' | 'ndjson' | 'empty' | 'unknown';

export interface ReadRecordsOptions {
  /** NDJSON lines longer than this are reported and skipped (default 2 MiB: an SLS line wraps a
   * ≤ 256 KB event in an escaped string, so anything far larger can never be a valid event).
   * In a JSON array, an element this large ends the file (it cannot be skipped past). */
  maxLineBytes?: number;
  /** Told what the input turned out to be, before the first record. */
  onDetect?: (detected: { gzip: boolean; format: InputFormat }) => void;
}

export const DEFAULT_MAX_LINE_BYTES = 2 * 1024 * 1024;

/**
 * Reads event records from raw bytes (a file, a request body): gunzips when the bytes start with
 * the gzip magic, then reads a JSON array (`[` first) or NDJSON (`{` first; plain events or SLS
 * logs). Bad records become `{ error, line }` and reading goes on; a failure that stops reading
 * (corrupt gzip, broken array syntax, I/O) is the last record yielded. Never throws.
 */
export async function* readRecords(
  source: AsyncIterable<Uint8Array>,
  options: ReadRecordsOptions = {},
): AsyncGenerator<RecordResult> {
  const input = source[Symbol.asyncIterator]();
  let gzip = false;
  let body: AsyncIterator<Buffer>;
  try {
    const head = await takeHead(input, 2);
    gzip = head.bytes[0] === 0x1f && head.bytes[1] === 0x8b;
    const raw = prepend(head.chunks, input);
    body = (gzip ? gunzip(raw) : raw)[Symbol.asyncIterator]();
  } catch (err) {
    options.onDetect?.({ gzip, format: 'unknown' });
    yield { error: `cannot read input: ${errorText(err)}`, line: 0 };
    return;
  }

  // Find the first non-blank byte, dropping all-blank chunks but counting their lines.
  let first: Buffer | undefined;
  let blankLines = 0;
  let isFirstChunk = true;
  try {
    for (let next = await body.next(); !next.done; next = await body.next()) {
      let chunk = next.value;
      if (isFirstChunk && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
        chunk = chunk.subarray(3); // UTF-8 byte-order mark, as some Windows tools write
      }
      isFirstChunk = false;
      const at = firstNonBlank(chunk);
      if (at !== -1) {
        first = chunk;
        break;
      }
      blankLines += countNewlines(chunk);
    }
  } catch (err) {
    options.onDetect?.({ gzip, format: 'unknown' });
    yield { error: `cannot read input: ${errorText(err)}`, line: blankLines + 1 };
    return;
  }

  if (!first) {
    options.onDetect?.({ gzip, format: 'empty' });
    return;
  }
  const at = firstNonBlank(first);
  const lead = first[at];
  const leadLine = blankLines + 1 + countNewlines(first.subarray(0, at));
  const rest = prepend([first], body);
  if (lead === 0x5b /* [ */) {
    options.onDetect?.({ gzip, format: 'json-array' });
    yield* readJsonArrayRecords(rest, options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  } else if (lead === 0x7b /* { */) {
    options.onDetect?.({ gzip, format: 'ndjson' });
    yield* readNdjsonRecords(rest, options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES, blankLines + 1);
  } else {
    options.onDetect?.({ gzip, format: 'unknown' });
    const shown = JSON.stringify(String.fromCharCode(lead ?? 0));
    try {
      yield {
        error: `not an event file: expected a JSON array or JSON lines, found ${shown}`,
        line: leadLine,
      };
    } finally {
      await body.return?.(); // close the file even if the consumer stops here
    }
  }
}

async function* readNdjsonRecords(
  chunks: AsyncIterable<Buffer>,
  maxLineBytes: number,
  firstLine: number,
): AsyncGenerator<RecordResult> {
  let line = firstLine;
  try {
    for await (const item of splitLines(chunks, { maxLineBytes, firstLine })) {
      line = item.line + 1;
      if ('tooLongBytes' in item) {
        yield {
          error: `line is ${item.tooLongBytes} bytes, over ${maxLineBytes}`,
          line: item.line,
        };
        continue;
      }
      const parsed = parseRecordLine(item.text);
      if (!parsed) continue;
      yield 'error' in parsed
        ? { error: parsed.error, line: item.line }
        : { record: parsed.record, line: item.line };
    }
  } catch (err) {
    yield { error: `reading stopped: ${errorText(err)}`, line };
  }
}

/** Reads chunks until at least `count` bytes (or the end) are in hand. */
async function takeHead(
  input: AsyncIterator<Uint8Array>,
  count: number,
): Promise<{ chunks: Buffer[]; bytes: Buffer }> {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total < count) {
    const next = await input.next();
    if (next.done) break;
    const chunk = toBuffer(next.value);
    chunks.push(chunk);
    total += chunk.length;
  }
  return { chunks, bytes: Buffer.concat(chunks) };
}

async function* prepend(head: Buffer[], rest: AsyncIterator<Uint8Array>): AsyncGenerator<Buffer> {
  try {
    yield* head;
    for (let next = await rest.next(); !next.done; next = await rest.next()) {
      yield toBuffer(next.value);
    }
  } finally {
    // Stopping early (a consumer's break, an error) must close the file underneath.
    await rest.return?.();
  }
}

function gunzip(raw: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  const inflater = createGunzip();
  // Errors from the file or from inflating reach the consumer through `inflater`.
  pipeline(Readable.from(raw), inflater, () => {});
  return inflater;
}

function firstNonBlank(chunk: Buffer): number {
  for (let i = 0; i < chunk.length; i++) {
    const byte = chunk[i];
    if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return i;
  }
  return -1;
}

function countNewlines(chunk: Buffer): number {
  let count = 0;
  for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) count++;
  return count;
}

function toBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
}
