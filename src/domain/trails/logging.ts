import type { Trail, TrailStatus } from './trail.js';

/**
 * Logging state transitions: `Fresh` (created, never started) → `Enable` (StartLogging) ⇄
 * `Disable` (StopLogging). StopLogging on a Fresh trail disables it, as Terraform expects when a
 * trail is declared with `status = "Disable"`.
 */
export interface LoggingChange {
  status: TrailStatus;
  startLoggingAt?: number;
  stopLoggingAt?: number;
}

/**
 * Starting a trail that already logs changes nothing: its StartLoggingTime and the sequence live
 * delivery began at stay, so a repeated StartLogging can neither skip nor repeat events.
 */
export function startLoggingChange(
  t: Pick<Trail, 'status'>,
  now: number,
): LoggingChange | undefined {
  return t.status === 'Enable' ? undefined : { status: 'Enable', startLoggingAt: now };
}

/** Stopping a trail that is already stopped keeps its StopLoggingTime. */
export function stopLoggingChange(
  t: Pick<Trail, 'status'>,
  now: number,
): LoggingChange | undefined {
  return t.status === 'Disable' ? undefined : { status: 'Disable', stopLoggingAt: now };
}
