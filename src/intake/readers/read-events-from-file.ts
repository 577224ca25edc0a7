import { createReadStream } from 'node:fs';
import {
  type InputFormat,
  type ReadRecordsOptions,
  type RecordResult,
  readRecords,
} from './read-records.js';

export type { InputFormat, RecordResult } from './read-records.js';

const READ_CHUNK_BYTES = 64 * 1024;

/**
 * One input file as an async iterable of records. `bytesRead` counts bytes taken from the file
 * (compressed bytes for .gz), so a progress bar can compare it with the file sizes from
 * `listInputFiles` while the records stream. Iterate once; memory stays bounded by one record
 * (or one line up to `maxLineBytes`) plus read buffers, whatever the file size.
 */
export class EventFileReader implements AsyncIterable<RecordResult> {
  bytesRead = 0;
  /** Known once the first bytes have been read. */
  gzip: boolean | undefined;
  /** Known once the first bytes have been read; says whether `line` is a line or an index. */
  format: InputFormat | undefined;

  constructor(
    readonly path: string,
    private readonly options: Omit<ReadRecordsOptions, 'onDetect'> = {},
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<RecordResult> {
    return readRecords(this.countedChunks(), {
      ...this.options,
      onDetect: ({ gzip, format }) => {
        this.gzip = gzip;
        this.format = format;
      },
    });
  }

  private async *countedChunks(): AsyncGenerator<Buffer> {
    const stream = createReadStream(this.path, { highWaterMark: READ_CHUNK_BYTES });
    try {
      for await (const chunk of stream) {
        this.bytesRead += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
    } finally {
      stream.destroy();
    }
  }
}

/**
 * Streams the event records of an ActionTrail export (OSS gzip JSON array, NDJSON, SLS export
 * lines; gzipped or not). Unreadable files and bad records come back as `{ error, line }`.
 */
export function readEventsFromFile(
  path: string,
  options: Omit<ReadRecordsOptions, 'onDetect'> = {},
): EventFileReader {
  return new EventFileReader(path, options);
}
