/**
 * Named places where a test can make this process die with SIGKILL, to prove that delivery
 * resumes without loss or duplicates (issue C1's crash tests). Configured only by the test-only
 * setting `testing.crashAt` (`OPENTRAIL_TEST_CRASH_AT=<point>:<n>`): the n-th time the process
 * passes `<point>` it kills itself. Unset, every call is a no-op.
 *
 * `during-renewal` counts only renewals after the first acknowledged batch: a kill there must
 * interrupt a job that has made progress, however slowly the first batch arrives on a busy
 * machine (counted from the claim, a slow start meant a kill before anything was delivered).
 */
export type CrashPointName = 'after-ack' | 'in-checkpoint' | 'during-renewal';

export type CrashPoint = (name: CrashPointName) => void;

export const noCrash: CrashPoint = () => {};

export function crashPointsFrom(spec: string | undefined): CrashPoint {
  if (!spec) return noCrash;
  const m = /^(after-ack|in-checkpoint|during-renewal):(\d+)$/.exec(spec);
  if (!m) throw new Error(`testing.crashAt must look like "after-ack:10", got "${spec}"`);
  const target = m[1] as CrashPointName;
  let remaining = Number(m[2]);
  let acked = false;
  return (name) => {
    if (name === 'after-ack') acked = true;
    if (name !== target) return;
    if (name === 'during-renewal' && !acked) return;
    remaining -= 1;
    if (remaining <= 0) process.kill(process.pid, 'SIGKILL');
  };
}
