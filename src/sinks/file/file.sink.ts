import { join, resolve } from 'node:path';
import { buildSlsBody } from '../layouts/body-threads.js';
import { prepareOssBatch } from '../layouts/oss-layout.js';
import { prepareSlsBatch } from '../layouts/sls-layout.js';
import {
  type BatchContent,
  type DeliveryAck,
  type PreparedBatch,
  type Sink,
  SinkError,
} from '../sink.js';
import { writeFileAtomic } from './atomic-write.js';
import { toFileSinkError } from './file-errors.js';
import { type FileSystem, nodeFileSystem } from './file-system.js';

export interface FileSinkOptions {
  /** Delivery root (default `<data dir>/delivery`); shared between nodes when there are several. */
  root: string;
  /** The file-system layer; tests inject disk-full and read-only faults through it. */
  fs?: FileSystem;
}

/** `..`, `.`, empty segments and separators inside a name could move a file outside its area. */
function isSafeSegment(segment: string): boolean {
  return segment !== '' && segment !== '.' && segment !== '..' && !/[\\/\0]/.test(segment);
}

function invalidPath(what: string, value: string): SinkError {
  return new SinkError(`file sink refuses ${what} ${JSON.stringify(value)}: not a safe path`, {
    code: 'InvalidPath',
    retryable: false,
  });
}

/**
 * Where a prepared batch lands (docs/sinks.md):
 *   OSS destination → `<root>/oss/<bucket>/<object key>`
 *   SLS destination → `<root>/sls/<objectName>` = `<root>/sls/<project>/<logstore>/…`
 * The names come from trail settings, so they are checked rather than trusted.
 */
export function fileSinkPath(root: string, batch: PreparedBatch): string {
  const { destination } = batch.content;
  const names =
    destination.kind === 'oss' ? [destination.bucket] : [destination.project, destination.logstore];
  for (const name of names) if (!isSafeSegment(name)) throw invalidPath('destination name', name);
  const segments = batch.objectName.split('/');
  if (!segments.every(isSafeSegment)) throw invalidPath('object name', batch.objectName);
  return destination.kind === 'oss'
    ? join(resolve(root), 'oss', destination.bucket, ...segments)
    : join(resolve(root), 'sls', ...segments);
}

function aborted(signal: AbortSignal): SinkError {
  return new SinkError('delivery aborted before the batch was written', {
    code: 'Aborted',
    retryable: true,
    cause: signal.reason,
  });
}

/**
 * The sink used when a destination has no real SLS/OSS credentials: it writes the destination's
 * layout under a local (or shared) directory. A batch is acknowledged only after the file and its
 * directory entry are on disk, and re-delivering a batch replaces the file with identical bytes.
 */
export function createFileSink(options: FileSinkOptions): Sink {
  const root = resolve(options.root);
  const fs = options.fs ?? nodeFileSystem;
  return {
    kind: 'file',

    async prepare(content: BatchContent): Promise<PreparedBatch> {
      const prepared =
        content.destination.kind === 'oss'
          ? await prepareOssBatch(content)
          : await prepareSlsBatch(content, buildSlsBody);
      // Both layouts name a file after its content, and a rename replaces it.
      return { ...prepared, overwrites: true };
    },

    async deliver(batch: PreparedBatch, signal?: AbortSignal): Promise<DeliveryAck> {
      if (signal?.aborted) throw aborted(signal);
      const path = fileSinkPath(root, batch);
      try {
        await writeFileAtomic(path, batch.body, { signal, fs });
      } catch (err) {
        if (signal?.aborted) throw aborted(signal);
        throw toFileSinkError(err, path);
      }
      return { objectName: batch.objectName, bytes: batch.body.length, count: batch.count };
    },

    /** Writes and removes a probe file the way deliveries write (atomic, fsynced). */
    async healthCheck(): Promise<string> {
      const probe = join(root, `.opentrail-probe-${process.pid}-${Date.now()}`);
      try {
        await writeFileAtomic(probe, Buffer.from('probe\n'), { fs });
        await fs.rm(probe, { force: true });
      } catch (err) {
        throw toFileSinkError(err, probe);
      }
      return `${root} is writable`;
    },
  };
}
