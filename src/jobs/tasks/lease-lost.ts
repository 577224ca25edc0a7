/** The worker no longer holds the job (lease taken over, job deleted or stopping): let go. */
export class LeaseLost extends Error {}

export function must(ok: boolean): void {
  if (!ok) throw new LeaseLost('lease lost or job deleted');
}
