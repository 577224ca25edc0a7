/**
 * Request timestamps (v1 `Timestamp`, V3 `x-acs-date`): `YYYY-MM-DDThh:mm:ssZ` in UTC. The SDKs
 * never send a fraction, but it is tolerated because Alibaba's docs only fix the ISO 8601 form.
 */
import { utcFromGroups } from '../../lib/time.js';
import type { SignatureFailure } from './types.js';

/** Alibaba documents a 15-minute window either way. */
export const DEFAULT_MAX_SKEW_MS = 15 * 60 * 1000;

const TIMESTAMP_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z$/;

/** Epoch milliseconds of a well-formed, real (calendar-valid) timestamp; undefined otherwise. */
export function parseAcsTimestamp(value: string): number | undefined {
  const m = TIMESTAMP_RE.exec(value);
  if (!m) return undefined;
  const fractionMs = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  return utcFromGroups(m.slice(1, 7), fractionMs);
}

/**
 * Unparsable → InvalidTimeStamp.Format; more than `maxSkewMs` away from `nowMs` in either
 * direction → InvalidTimeStamp.Expired; otherwise undefined (accepted).
 */
export function checkTimestamp(
  timestamp: string,
  nowMs: number,
  maxSkewMs: number,
): SignatureFailure | undefined {
  const t = parseAcsTimestamp(timestamp);
  if (t === undefined) {
    return {
      ok: false,
      code: 'InvalidTimeStamp.Format',
      message: 'Specified time stamp or date value is not well formatted.',
    };
  }
  if (Math.abs(nowMs - t) > maxSkewMs) {
    return {
      ok: false,
      code: 'InvalidTimeStamp.Expired',
      message: 'Specified time stamp or date value is expired.',
    };
  }
  return undefined;
}
