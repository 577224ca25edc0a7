import * as fsp from 'node:fs/promises';

/** The part of an open file the file sink uses. */
export interface WritableFile {
  writeFile(data: Buffer): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The file-system calls the file sink makes, as one replaceable layer: tests put a faulty one in
 * its place to see a full disk (ENOSPC), a read-only mount (EROFS) or a slow disk. chmod cannot
 * stand in for them: the tests run as root, who writes through any permission bits.
 */
export interface FileSystem {
  mkdir(path: string, options: { recursive: true }): Promise<string | undefined>;
  open(path: string, flags: string): Promise<WritableFile>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, options: { force: boolean }): Promise<void>;
}

export const nodeFileSystem: FileSystem = {
  mkdir: (path, options) => fsp.mkdir(path, options),
  open: (path, flags) => fsp.open(path, flags),
  rename: (from, to) => fsp.rename(from, to),
  rm: (path, options) => fsp.rm(path, options),
};
