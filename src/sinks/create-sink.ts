import { createFileSink } from './file/file.sink.js';
import type { Sink } from './sink.js';

export interface CreateSinkOptions {
  /** The file sink's delivery root (default `<data dir>/delivery`). */
  root: string;
}

/**
 * The one place that picks a sink implementation; the delivery engine only sees `Sink`.
 * decisions §6: SLS destinations get the real SLS sink when SLS credentials are configured, OSS
 * destinations the S3 sink when its endpoint and credentials are configured, everything else the
 * file sink.
 */
export function createSink(options: CreateSinkOptions): Sink {
  // Later issues: add `sls` / `s3` options here and return `createSlsSink(...)` /
  // `createS3Sink(...)` (or a per-destination router over them) when configured.
  return createFileSink({ root: options.root });
}
