import { errors } from '../../errors/api-error.js';

/** The decoded parameters of one RPC request (query merged with form body). */
export type RpcParams = Readonly<Record<string, string>>;

const INTEGER = /^[+-]?\d+$/;

/**
 * Reads an optional integer parameter. A non-integer or out-of-range value is a 400
 * InvalidParameter naming the parameter and the rule; absent or empty means the default.
 */
export function readInteger(
  params: RpcParams,
  name: string,
  rule: { min: number; max?: number; default: number },
): number {
  const raw = params[name];
  if (raw === undefined || raw === '') return rule.default;
  const range = rule.max === undefined ? `>= ${rule.min}` : `${rule.min}-${rule.max}`;
  const value = INTEGER.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (
    !Number.isSafeInteger(value) ||
    value < rule.min ||
    (rule.max !== undefined && value > rule.max)
  ) {
    throw errors.invalidParameter(name, `It must be an integer in the range ${range}.`);
  }
  return value;
}

export function readRequiredString(params: RpcParams, name: string): string {
  const raw = params[name];
  if (raw === undefined || raw === '') throw errors.missingParameter(name);
  return raw;
}

export function readOptionalString(params: RpcParams, name: string): string | undefined {
  const raw = params[name];
  return raw === undefined || raw === '' ? undefined : raw;
}

/**
 * Reads a repeated parameter flattened the way every Alibaba SDK sends it: `Name.1`, `Name.2`
 * for scalars and `Name.1.Key`, `Name.1.Value` for objects (1-based). Returns the entries in
 * index order; gaps are skipped.
 */
export function readList(params: RpcParams, name: string): Array<string | Record<string, string>> {
  const byIndex = new Map<number, string | Record<string, string>>();
  const prefix = `${name}.`;
  for (const [key, value] of Object.entries(params)) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    const dot = rest.indexOf('.');
    const indexText = dot < 0 ? rest : rest.slice(0, dot);
    if (!/^[1-9]\d{0,5}$/.test(indexText)) continue;
    const index = Number(indexText);
    if (dot < 0) {
      byIndex.set(index, value);
      continue;
    }
    const prev = byIndex.get(index);
    const entry = typeof prev === 'object' ? prev : {};
    entry[rest.slice(dot + 1)] = value;
    byIndex.set(index, entry);
  }
  return [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, v]) => v);
}
