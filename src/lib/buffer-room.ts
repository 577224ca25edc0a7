/**
 * For bytes written event by event into one buffer (the SLS and OSS layouts, packed seed batches):
 * `out` itself when
 * `need` more bytes fit after `at`, else a buffer at least twice as large holding its first `at`
 * bytes.
 */
export function withRoom(out: Buffer, at: number, need: number): Buffer {
  if (at + need <= out.length) return out;
  const grown = Buffer.allocUnsafe(Math.max(out.length * 2, at + need));
  out.copy(grown, 0, 0, at);
  return grown;
}
