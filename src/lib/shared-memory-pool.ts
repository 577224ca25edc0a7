/**
 * Shared memory is freed only when every thread's garbage collector has dropped it, and the
 * body thread allocates so little that it seldom collects: fresh buffers per batch piled up
 * (+100 MB of RSS on a 1 M-event job, measured, [G] round 5). Some are kept and reused instead:
 * about what a job's streams have in flight (the chunks a scan thread fills, batches' inputs and
 * bodies). Used by the delivery scan (src/db/) and the SLS-layout body thread (src/sinks/).
 */
const KEPT = 12;
const MIB = 1024 * 1024;
const MIN_SIZE = 4 * MIB;
const pool: SharedArrayBuffer[] = [];

/**
 * Shared memory of at least `size` bytes: the smallest kept one large enough, else a new one
 * rounded up to whole MiB. Rounding gives the asks of one kind (a chunk's ~5.5 MB, a body's
 * ~2–4 MB, which vary by a few percent) one size, so the ones given back fit the next ask; first
 * fit and exact sizes left a full pool of 4 MB buffers that no 5.5 MB chunk could use, and
 * every chunk a new buffer ([G] round 7: 18 buffers, 87 MB, for a 400 k job against 15 and 72 MB;
 * peak RSS of a 1 M dense job 282–320 → 253–266 MB).
 */
export function takeShared(size: number): SharedArrayBuffer {
  let at = -1;
  for (let i = 0; i < pool.length; i++) {
    const length = (pool[i] as SharedArrayBuffer).byteLength;
    if (length >= size && (at < 0 || length < (pool[at] as SharedArrayBuffer).byteLength)) at = i;
  }
  if (at >= 0) return pool.splice(at, 1)[0] as SharedArrayBuffer;
  return new SharedArrayBuffer(Math.max(Math.ceil(size / MIB) * MIB, MIN_SIZE));
}

/** Gives shared memory back for reuse once no thread reads or writes it any more. */
export function releaseShared(memory: SharedArrayBuffer): void {
  if (pool.length < KEPT && !pool.includes(memory)) pool.push(memory);
}
