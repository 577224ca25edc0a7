/**
 * Shared memory is freed only when every thread's garbage collector has dropped it, and the
 * body thread allocates so little that it seldom collects: fresh buffers per batch piled up
 * (+100 MB of RSS on a 1 M-event job, measured, [G] round 5). Some are kept and reused instead:
 * about what a job's streams have in flight (the chunks a scan thread fills, batches' inputs and
 * bodies). Used by the delivery scan (src/db/) and the SLS-layout body thread (src/sinks/).
 */
const KEPT = 12;
const MIN_SIZE = 4 * 1024 * 1024;
const pool: SharedArrayBuffer[] = [];

/** Shared memory of at least `size` bytes: a kept one when one is large enough. */
export function takeShared(size: number): SharedArrayBuffer {
  const at = pool.findIndex((m) => m.byteLength >= size);
  if (at >= 0) return pool.splice(at, 1)[0] as SharedArrayBuffer;
  return new SharedArrayBuffer(Math.max(size, MIN_SIZE));
}

/** Gives shared memory back for reuse once no thread reads or writes it any more. */
export function releaseShared(memory: SharedArrayBuffer): void {
  if (pool.length < KEPT && !pool.includes(memory)) pool.push(memory);
}
