import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { byCodeUnit } from '../../lib/compare.js';

export interface InputFile {
  path: string;
  /** Size on disk (compressed for .gz): the progress bar's total is the sum of these. */
  size: number;
}

/** Names picked up when walking a directory (`.gz` covers `.json.gz`, `.log.gz`, …). */
export const INPUT_FILE_PATTERN = /\.(json|gz|ndjson|jsonl|log)$/i;

/**
 * Expands files and directories (recursively) into the input files, sorted by path and
 * deduplicated. OSS export keys embed the date, so path order is roughly time order. A file named
 * explicitly is taken whatever its name; a missing path throws (a typo should stop the import
 * before anything is stored). Symlinked directories are not followed, to avoid cycles.
 */
export async function listInputFiles(pathsOrDirs: readonly string[]): Promise<InputFile[]> {
  const found = new Map<string, number>();
  for (const given of pathsOrDirs) {
    const path = resolve(given);
    const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
      throw new Error(`cannot read ${given}: ${err.code ?? err.message}`);
    });
    if (info.isDirectory()) await walk(path, found);
    else found.set(path, info.size);
  }
  return [...found].sort(([a], [b]) => byCodeUnit(a, b)).map(([path, size]) => ({ path, size }));
}

async function walk(dir: string, found: Map<string, number>): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      await walk(path, found);
    } else if ((entry.isFile() || entry.isSymbolicLink()) && INPUT_FILE_PATTERN.test(entry.name)) {
      const info = await stat(path).catch(() => undefined);
      if (info?.isFile()) found.set(path, info.size);
    }
  }
}
