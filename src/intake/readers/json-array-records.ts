import { pipeline, Readable } from 'node:stream';
import streamArray from 'stream-json/streamers/stream-array.js';
import { errorText, type RecordResult, unwrapRecord } from './record-unwrap.js';

/**
 * The parser throws away every element it finished in the same write as a syntax error, so the
 * input is written in small slices: then at most the element or two before a syntax error are
 * lost with it. Measured: no slower than 64 KiB writes.
 */
const SLICE_BYTES = 2048;

/**
 * Streams the elements of one top-level JSON array (an OSS export file), holding one element at
 * a time. `line` is the element's 0-based index. A syntax error cannot be skipped past in a JSON
 * array, so it ends the file with one error record naming the first element not read.
 */
export async function* readJsonArrayRecords(
  chunks: AsyncIterable<Uint8Array>,
  maxElementBytes = Number.POSITIVE_INFINITY,
): AsyncGenerator<RecordResult> {
  // Only whole (packed) values are assembled; chunked value tokens would just be discarded (~30%
  // faster measured).
  const parser = streamArray.withParserAsStream({ streamValues: false });
  const source = Readable.from(sliced(chunks, maxElementBytes));
  // Errors from either side surface in the loop below (pipeline destroys the parser with them).
  pipeline(source, parser, () => {});
  let next = 0;
  try {
    for await (const item of parser as AsyncIterable<{ key: number; value: unknown }>) {
      next = item.key + 1;
      const unwrapped = unwrapRecord(item.value);
      yield 'error' in unwrapped
        ? { error: unwrapped.error, line: item.key }
        : { record: unwrapped.record, line: item.key };
    }
  } catch (err) {
    yield {
      error: `${errorText(err)} (elements from index ${next} on were not read)`,
      line: next,
    };
  } finally {
    parser.destroy();
  }
}

/**
 * The parser assembles each element whole, so one huge element (a few hundred KB of gzip can
 * inflate into a single string of gigabytes) would be held in memory entirely. A scan of the
 * bytes as they pass stops the file at the first element over `maxElementBytes` instead.
 */
class ElementTooLarge extends Error {}

async function* sliced(
  chunks: AsyncIterable<Uint8Array>,
  maxElementBytes: number,
): AsyncGenerator<Buffer> {
  const scan = new ElementSizeScan(maxElementBytes);
  for await (const chunk of chunks) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    for (let offset = 0; offset < buffer.length; offset += SLICE_BYTES) {
      const slice = buffer.subarray(offset, offset + SLICE_BYTES);
      scan.feed(slice);
      yield slice;
    }
  }
}

/** Tracks nesting and strings just enough to know where each top-level element starts. */
class ElementSizeScan {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private elementBytes = 0;

  constructor(private readonly max: number) {}

  feed(bytes: Buffer): void {
    if (this.max === Number.POSITIVE_INFINITY) return;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i] as number;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (b === 0x5c /* \ */) this.escaped = true;
        else if (b === 0x22 /* " */) this.inString = false;
      } else if (b === 0x22) this.inString = true;
      else if (b === 0x5b /* [ */ || b === 0x7b /* { */) this.depth++;
      else if (b === 0x5d /* ] */ || b === 0x7d /* } */) this.depth--;
      else if (b === 0x2c /* , */ && this.depth === 1) {
        this.elementBytes = 0;
        continue;
      }
      if (this.depth >= 1 && ++this.elementBytes > this.max) {
        throw new ElementTooLarge(`an element is larger than ${this.max} bytes`);
      }
    }
  }
}
