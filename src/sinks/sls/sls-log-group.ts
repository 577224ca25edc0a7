import type { PackedRange } from '../../lib/packed-chunk.js';
import { eventSeconds, SLS_TOPIC } from '../layouts/sls-layout.js';
import { SinkError } from '../sink.js';
import {
  encodedLogSize,
  encodedLogSizeOfBytes,
  encodedTopicSize,
  encodeOneContentLogGroup,
} from './log-group.proto.js';

/** Older PutLogs limits, still the safe ones (delivery-sinks §3.5): per request. */
export const SLS_MAX_LOGS = 4096;
export const SLS_MAX_RAW_BYTES = 3 * 1024 * 1024;
/** The one content key: the stored event JSON text, unchanged (delivery-sinks §1.2). */
export const SLS_EVENT_KEY = 'event';

/** Exact bytes one event adds to a request's raw LogGroup (time counted at its widest). */
export function slsEventSize(eventJson: string): number {
  return encodedLogSize(SLS_EVENT_KEY, eventJson);
}

/** slsEventSize of an event known by its UTF-8 length. */
export function slsEventSizeOfBytes(utf8Bytes: number): number {
  return encodedLogSizeOfBytes(SLS_EVENT_KEY, utf8Bytes);
}

/** Raw size of a LogGroup of these events, at most a few bytes above the encoded size. */
export function slsRawSize(events: readonly string[]): number {
  let size = encodedTopicSize(SLS_TOPIC);
  for (const e of events) size += slsEventSize(e);
  return size;
}

/**
 * Log.Time of each event: its eventTime in seconds. Stored events always have one; should one
 * not, it takes its nearest neighbour's (the batch is in sequence order, so that is the closest
 * time we know) instead of failing a batch that could never be delivered.
 */
export function eventTimes(events: readonly string[], timesMs?: readonly number[]): number[] {
  // The store's eventTime column, when the engine passed it: no JSON parse per event.
  if (timesMs && timesMs.length === events.length)
    return timesMs.map((ms) => Math.floor(ms / 1000));
  const times = events.map(eventSeconds);
  const known = times.findIndex((t) => t !== undefined);
  if (known < 0) {
    throw new SinkError('no event of the batch has a readable eventTime', {
      code: 'InvalidEventTime',
      retryable: false,
    });
  }
  let last = times[known] as number;
  return times.map((t) => {
    if (t !== undefined) last = t;
    return last;
  });
}

/**
 * The LogGroup of a batch: one log per event, topic `actiontrail_audit_event`, content
 * `event` = the stored text. `times` gives each log's time (event times, or one delivery time).
 */
export function encodeEvents(events: readonly string[], times: (i: number) => number): Buffer {
  return encodeOneContentLogGroup(
    SLS_EVENT_KEY,
    { count: events.length, time: times, value: (i) => Buffer.from(events[i] as string, 'utf8') },
    SLS_TOPIC,
  );
}

/**
 * encodeEvents of the events a scan chunk holds, their bytes read where they lie ([G] round 7):
 * no string per event, and nothing of the chunk kept once the LogGroup is written.
 */
export function encodePackedEvents(range: PackedRange, times: (i: number) => number): Buffer {
  const c = range.chunk;
  return encodeOneContentLogGroup(
    SLS_EVENT_KEY,
    {
      count: range.to - range.from,
      time: times,
      value: (i) => c.bytes.subarray(c.start(range.from + i), c.ends[range.from + i] as number),
    },
    SLS_TOPIC,
  );
}
