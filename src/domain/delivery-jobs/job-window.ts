import { errors } from '../../errors/api-error.js';
import { DAY_MS, parseIsoSeconds } from '../../lib/time.js';

/** A window the creator chose ([C2]): both ends inclusive, epoch ms. */
export interface ChosenWindow {
  start: number;
  end: number;
}

const FORMAT = 'It must be a UTC time in the format yyyy-MM-ddTHH:mm:ssZ.';

function parse(name: string, value: string): number {
  const ms = parseIsoSeconds(value);
  if (ms === undefined) throw errors.invalidParameter(name, FORMAT);
  return ms;
}

/**
 * CreateDeliveryHistoryJob's optional `StartTime`/`EndTime` (an opentrail extension): both or
 * neither; start before end; the start no older than the retention (older events are gone),
 * the end not after now. Neither: undefined, the default window of decisions §5.
 */
export function chosenWindow(
  input: { startTime?: string | undefined; endTime?: string | undefined },
  now: number,
  retentionDays: number,
): ChosenWindow | undefined {
  const { startTime, endTime } = input;
  if (startTime === undefined && endTime === undefined) return undefined;
  if (startTime === undefined) throw errors.missingParameter('StartTime');
  if (endTime === undefined) throw errors.missingParameter('EndTime');
  const start = parse('StartTime', startTime);
  const end = parse('EndTime', endTime);
  if (start < now - retentionDays * DAY_MS) {
    throw errors.invalidParameter(
      'StartTime',
      `It must lie within the retention of ${retentionDays} days.`,
    );
  }
  if (end > now) throw errors.invalidParameter('EndTime', 'It must not lie in the future.');
  if (start >= end) throw errors.invalidParameter('EndTime', 'It must be later than StartTime.');
  return { start, end };
}
