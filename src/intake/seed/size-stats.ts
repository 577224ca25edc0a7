export interface SizeStats {
  count: number;
  /** Bytes of `JSON.stringify(event)` as UTF-8. */
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/**
 * JSON size distribution of events, the figure benchmarks must quote next to their rates (the
 * seeded distribution is documented in docs/intake.md; a test keeps it from drifting).
 */
export function summariseEventSizes(events: Iterable<unknown>): SizeStats {
  const sizes: number[] = [];
  let total = 0;
  for (const event of events) {
    const size = Buffer.byteLength(JSON.stringify(event), 'utf8');
    sizes.push(size);
    total += size;
  }
  sizes.sort((a, b) => a - b);
  const at = (q: number): number => sizes[Math.floor(q * (sizes.length - 1))] ?? 0;
  return {
    count: sizes.length,
    mean: sizes.length ? Math.round(total / sizes.length) : 0,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: at(1),
  };
}
