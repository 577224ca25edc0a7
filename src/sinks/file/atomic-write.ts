import { randomBytes } from 'node:crypto';

import { basename, dirname, join, relative } from 'node:path';
import { type FileSystem, nodeFileSystem, type WritableFile } from './file-system.js';

/**
 * Directory fsync is not supported everywhere (Windows, some network file systems answer
 * EISDIR/EINVAL/EPERM); there the rename is as durable as the platform allows, so carry on.
 */
const DIR_FSYNC_UNSUPPORTED = new Set(['EISDIR', 'EINVAL', 'EPERM', 'ENOTSUP', 'EBADF']);

async function fsyncDirectory(fs: FileSystem, dir: string): Promise<void> {
  let handle: WritableFile | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code !== 'string' || !DIR_FSYNC_UNSUPPORTED.has(code)) throw err;
  } finally {
    await handle?.close();
  }
}

/** Directories whose entries changed when `mkdir -p dir` created `first` and everything below it. */
function createdChain(first: string | undefined, dir: string): string[] {
  if (first === undefined) return [];
  const chain = [dirname(first)];
  let current = first;
  chain.push(current);
  for (const part of relative(first, dir).split(/[\\/]/).filter(Boolean)) {
    current = join(current, part);
    chain.push(current);
  }
  return chain;
}

export interface AtomicWriteOptions {
  /** Checked after the temporary file is written: an abort then leaves nothing behind. */
  signal?: AbortSignal;
  /** The file-system layer (tests inject faults through it). */
  fs?: FileSystem;
}

/**
 * Writes `body` to `path` so that a reader (or a crash) sees either the old file or the complete
 * new one: temporary file in the same directory → fsync → rename → fsync of the directory (and
 * of any directory this call created), as decisions §6 requires before a batch is acknowledged.
 * The temporary name starts with a dot so consumers globbing `*.gz` / `*.ndjson` skip it.
 */
export async function writeFileAtomic(
  path: string,
  body: Buffer,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const fs = options.fs ?? nodeFileSystem;
  const dir = dirname(path);
  const first = await fs.mkdir(dir, { recursive: true });
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let renamed = false;
  try {
    const handle = await fs.open(temp, 'wx');
    try {
      await handle.writeFile(body);
      await handle.sync();
    } finally {
      await handle.close();
    }
    options.signal?.throwIfAborted();
    await fs.rename(temp, path);
    renamed = true;
    for (const d of new Set([...createdChain(first, dir), dir])) await fsyncDirectory(fs, d);
  } finally {
    if (!renamed) await fs.rm(temp, { force: true }).catch(() => undefined);
  }
}
