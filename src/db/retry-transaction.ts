/**
 * PostgreSQL aborts one of two transactions that wait on each other (deadlock, 40P01) or that
 * cannot be serialised (40001); running the loser again is the documented remedy. Two clients
 * sending overlapping event batches in different orders meet this on the (account, eventId)
 * ids; SQLite, with one writer, never does.
 */
const TRANSIENT_CODES = new Set(['40P01', '40001']);

function isTransientConflict(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TRANSIENT_CODES.has(code);
}

/** Runs `fn` (one whole transaction) again while it fails with a transient conflict. */
export async function retryTransaction<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (attempt >= attempts || !isTransientConflict(e)) throw e;
      // A short random pause so the retried transactions do not meet in the same order again.
      await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
    }
  }
}
