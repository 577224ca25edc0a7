/** One line of a byte stream, or the note that it was too long to keep. */
export type SplitLine = { line: number; text: string } | { line: number; tooLongBytes: number };

export interface SplitLinesOptions {
  /** Longer lines are skipped (reported, never buffered), which bounds memory on any input. */
  maxLineBytes: number;
  /** Number of the first line (callers that skipped leading blank chunks pass the count). */
  firstLine?: number;
}

/**
 * Splits a byte stream on `\n` (dropping a trailing `\r`) without decoding chunks first, so a
 * UTF-8 character split across two chunks is decoded whole. Only the pending, incomplete line is
 * held between chunks, and never more than `maxLineBytes` of it.
 */
export async function* splitLines(
  chunks: AsyncIterable<Uint8Array>,
  options: SplitLinesOptions,
): AsyncGenerator<SplitLine> {
  const max = options.maxLineBytes;
  let line = options.firstLine ?? 1;
  let parts: Buffer[] = [];
  let pendingBytes = 0;
  let overflow = false;

  const finish = (): SplitLine => {
    let result: SplitLine;
    if (overflow) {
      result = { line, tooLongBytes: pendingBytes };
    } else {
      const joined = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
      result = { line, text: stripCr(joined.toString('utf8')) };
    }
    parts = [];
    pendingBytes = 0;
    overflow = false;
    return result;
  };

  for await (const raw of chunks) {
    const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.length);
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(10, start);
      const end = newline === -1 ? chunk.length : newline;
      if (newline !== -1 && pendingBytes === 0 && end - start <= max) {
        // The common case: a whole line inside one chunk, decoded without copying.
        yield { line, text: stripCr(chunk.toString('utf8', start, end)) };
      } else {
        const size = end - start;
        if (!overflow && pendingBytes + size > max) {
          overflow = true;
          parts = [];
        }
        // Copy: a subarray would pin the whole chunk while the line is pending.
        if (!overflow && size > 0) parts.push(Buffer.from(chunk.subarray(start, end)));
        pendingBytes += size;
        if (newline === -1) break;
        yield finish();
      }
      line++;
      start = newline + 1;
    }
  }
  if (pendingBytes > 0 || overflow) yield finish();
}

function stripCr(text: string): string {
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}
