import { type ValidationContext, validateEvent } from '../../intake/event-validation.js';
import type { InputFormat, RecordResult } from '../../intake/readers/read-events-from-file.js';
import type { ImportProblem } from './ingest-files.js';

/** What becomes of one record of an export file: an event to store, or a problem. */
export type ImportOutcome =
  | { problem: ImportProblem }
  | { event: Record<string, unknown>; json: string | undefined };

/**
 * One record as `import` judges it, in-process (ingest-files.ts) and on the reader thread
 * (import-thread-worker.ts) alike: unreadable, invalid (validateEvent's code) or an event with
 * its JSON when validateEvent has it. `now` is read only for a readable record.
 */
export function importOutcome(
  r: RecordResult,
  at: { file: string; format: InputFormat | undefined },
  validation: Omit<ValidationContext, 'now'>,
  now: () => number,
): ImportOutcome {
  const where = {
    file: at.file,
    line: r.line,
    unit: at.format === 'json-array' ? ('element' as const) : ('line' as const),
  };
  if ('error' in r) return { problem: { ...where, code: 'Unreadable', message: r.error } };
  const result = validateEvent(r.record, { ...validation, now: now() });
  if (!result.ok) return { problem: { ...where, code: result.code, message: result.message } };
  return { event: result.event, json: result.json };
}
