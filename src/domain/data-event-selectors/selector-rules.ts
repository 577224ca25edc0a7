import { errors } from '../../errors/api-error.js';

/**
 * PutDataEventSelector's `EventSelectors`: a JSON array (at most 20 elements, SDK doc) of
 * `{ServiceName, ReadWriteType?, EventName?: {Equals?, NotEquals?}, ResourceArn?: {…}}`.
 * Validated here so a typo is a 400 naming the problem, not a selector that silently never
 * matches. The raw string is what gets stored and answered; this parse is only for checking and
 * for matching events (selector-match.ts).
 */
export const MAX_SELECTORS = 20;
export const READ_WRITE_TYPES = ['Read', 'Write', 'All'] as const;
export type ReadWriteType = (typeof READ_WRITE_TYPES)[number];

export interface StringCondition {
  equals?: readonly string[];
  notEquals?: readonly string[];
}

export interface DataEventSelector {
  serviceName: string;
  readWriteType: ReadWriteType;
  eventName?: StringCondition;
  resourceArn?: StringCondition;
}

const PARAMETER = 'EventSelectors';
const SELECTOR_KEYS = new Set(['ServiceName', 'ReadWriteType', 'EventName', 'ResourceArn']);
const CONDITION_KEYS = new Set(['Equals', 'NotEquals']);

function bad(rule: string): never {
  throw errors.invalidParameter(PARAMETER, rule);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseCondition(v: unknown, where: string): StringCondition {
  if (!isObject(v)) bad(`${where} must be an object with Equals and/or NotEquals.`);
  const out: StringCondition = {};
  for (const [key, list] of Object.entries(v)) {
    if (!CONDITION_KEYS.has(key)) bad(`${where} has an unknown field "${key}".`);
    if (!Array.isArray(list) || list.some((s) => typeof s !== 'string' || s === '')) {
      bad(`${where}.${key} must be an array of non-empty strings.`);
    }
    if (key === 'Equals') out.equals = list as string[];
    else out.notEquals = list as string[];
  }
  if (!out.equals && !out.notEquals) bad(`${where} must have Equals or NotEquals.`);
  return out;
}

function parseSelector(v: unknown, i: number): DataEventSelector {
  const where = `element ${i + 1}`;
  if (!isObject(v)) bad(`Each element must be an object; ${where} is not.`);
  for (const key of Object.keys(v)) {
    if (!SELECTOR_KEYS.has(key)) bad(`${where} has an unknown field "${key}".`);
  }
  const serviceName = v.ServiceName;
  if (typeof serviceName !== 'string' || serviceName.trim() === '') {
    bad(`${where} needs a ServiceName (a non-empty string).`);
  }
  const rw = v.ReadWriteType ?? 'All';
  if (typeof rw !== 'string' || !(READ_WRITE_TYPES as readonly string[]).includes(rw)) {
    bad(`${where}.ReadWriteType must be one of ${READ_WRITE_TYPES.join(', ')}.`);
  }
  const selector: DataEventSelector = { serviceName, readWriteType: rw as ReadWriteType };
  if (v.EventName !== undefined)
    selector.eventName = parseCondition(v.EventName, `${where}.EventName`);
  if (v.ResourceArn !== undefined) {
    selector.resourceArn = parseCondition(v.ResourceArn, `${where}.ResourceArn`);
  }
  return selector;
}

/** Parses and checks a non-empty EventSelectors string; throws 400 InvalidParameter. */
export function parseEventSelectors(raw: string): DataEventSelector[] {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    bad('It must be a JSON array.');
  }
  if (!Array.isArray(value)) bad('It must be a JSON array.');
  if (value.length === 0) bad('It must hold at least one selector (send it empty to clear).');
  if (value.length > MAX_SELECTORS) bad(`It may hold at most ${MAX_SELECTORS} selectors.`);
  return value.map(parseSelector);
}

/**
 * `TrailRegionIds`: comma-separated region ids, each one of the configured regions. Spaces
 * around ids are ignored; the list is answered in the order sent, without repeats.
 */
export function parseTrailRegionIds(raw: string, regions: readonly string[]): string[] {
  const ids = [
    ...new Set(
      raw
        .split(',')
        .map((r) => r.trim())
        .filter((r) => r !== ''),
    ),
  ];
  for (const id of ids) {
    if (!regions.includes(id)) {
      throw errors.invalidParameter(
        'TrailRegionIds',
        `"${id}" is not a region (see DescribeRegions).`,
      );
    }
  }
  return ids;
}
