import type { DataEventSelector, StringCondition } from './selector-rules.js';

/**
 * Which Data events a trail delivers (issue 13). Management events are always in a trail's scope
 * (its EventRW and TrailRegion decide, as before); an event with `eventCategory: Data` is in it
 * only when one of the trail's data event selectors matches it, in a region the selectors cover.
 * Pure, so the delivery engine can call it per event without a query.
 */
export interface DataEventSelectorSet {
  selectors: readonly DataEventSelector[];
  isTrailAllRegion: boolean;
  /** Empty: no region restriction of its own (the trail's TrailRegion still applies). */
  trailRegionIds: readonly string[];
}

/** The fields of a stored event the rule looks at. */
export interface DataEventFacts {
  eventCategory?: string | undefined;
  serviceName?: string | undefined;
  eventName?: string | undefined;
  eventRW?: string | undefined;
  acsRegion?: string | undefined;
  /** ARNs of the resources the event touched (`resourceArn`, `referencedResources`…). */
  resourceArns?: readonly string[] | undefined;
}

export function isDataEvent(e: Pick<DataEventFacts, 'eventCategory'>): boolean {
  return e.eventCategory?.toLowerCase() === 'data';
}

/** `x*` matches every value starting with `x`; anything else matches exactly. */
function valueMatches(pattern: string, value: string): boolean {
  return pattern.endsWith('*') ? value.startsWith(pattern.slice(0, -1)) : pattern === value;
}

function conditionHolds(c: StringCondition | undefined, values: readonly string[]): boolean {
  if (!c) return true;
  const any = (patterns: readonly string[]) =>
    values.some((v) => patterns.some((p) => valueMatches(p, v)));
  if (c.equals && !any(c.equals)) return false;
  if (c.notEquals && any(c.notEquals)) return false;
  return true;
}

export function selectorMatches(s: DataEventSelector, e: DataEventFacts): boolean {
  if (s.serviceName.toLowerCase() !== (e.serviceName ?? '').toLowerCase()) return false;
  if (s.readWriteType !== 'All' && s.readWriteType !== e.eventRW) return false;
  if (!conditionHolds(s.eventName, e.eventName === undefined ? [] : [e.eventName])) return false;
  return conditionHolds(s.resourceArn, e.resourceArns ?? []);
}

/**
 * Whether a trail with these selectors (undefined: none stored) delivers the event, as far as
 * the Data-event rule goes. Non-Data events always pass: this rule never narrows them.
 */
export function inDataEventScope(
  set: DataEventSelectorSet | undefined,
  e: DataEventFacts,
): boolean {
  if (!isDataEvent(e)) return true;
  if (!set || set.selectors.length === 0) return false;
  if (!set.isTrailAllRegion && set.trailRegionIds.length > 0) {
    if (!e.acsRegion || !set.trailRegionIds.includes(e.acsRegion)) return false;
  }
  return set.selectors.some((s) => selectorMatches(s, e));
}

function strings(v: unknown, split: RegExp): string[] {
  return typeof v === 'string'
    ? v
        .split(split)
        .map((s) => s.trim())
        .filter((s) => s !== '')
    : [];
}

/**
 * The facts of a stored event's JSON the rule needs. Resource ARNs are taken from
 * `resourceArn`, the `resourceName` list (`;`/`,`-separated, as the resource index reads it)
 * and `referencedResources` values, so a selector may name either form.
 */
export function dataEventFacts(eventJson: string): DataEventFacts {
  let e: Record<string, unknown>;
  try {
    e = JSON.parse(eventJson) as Record<string, unknown>;
  } catch {
    return {};
  }
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const arns = [...strings(e.resourceArn, /[;,]/), ...strings(e.resourceName, /[;,]/)];
  const referenced = e.referencedResources;
  if (referenced && typeof referenced === 'object' && !Array.isArray(referenced)) {
    for (const names of Object.values(referenced)) {
      if (Array.isArray(names))
        arns.push(...names.filter((n): n is string => typeof n === 'string'));
    }
  }
  return {
    eventCategory: text(e.eventCategory),
    serviceName: text(e.serviceName),
    eventName: text(e.eventName),
    eventRW: text(e.eventRW),
    acsRegion: text(e.acsRegion),
    resourceArns: arns,
  };
}
