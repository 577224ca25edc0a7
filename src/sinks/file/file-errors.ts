import { SinkError } from '../sink.js';

/**
 * errno codes that retrying the same write cannot fix: the operator has to change permissions,
 * the delivery root or the mount first. Failing fast surfaces them on the job instead of hiding
 * them behind endless backoff. Everything else (ENOSPC, EIO, EDQUOT, EMFILE, ESTALE on NFS, an
 * unknown code, …) is treated as transient and retried.
 */
const PERMANENT = new Set([
  'EACCES', // permission denied
  'EPERM', // operation not permitted
  'EROFS', // read-only file system
  'ENOTDIR', // a path component is a regular file: the root is misconfigured
  'EISDIR', // the target name is a directory
  'ENAMETOOLONG',
  'ELOOP',
  'EINVAL',
]);

function errnoCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const { code } = err as { code: unknown };
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** Maps a file-system failure to a SinkError whose `code` is the errno code (or `IOError`). */
export function toFileSinkError(err: unknown, path: string): SinkError {
  if (err instanceof SinkError) return err;
  const code = errnoCode(err) ?? 'IOError';
  const reason = err instanceof Error ? err.message : String(err);
  return new SinkError(`file sink could not write ${path}: ${reason}`, {
    code,
    retryable: !PERMANENT.has(code),
    cause: err,
  });
}
