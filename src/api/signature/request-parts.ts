/** Small accessors over a RawRequest shared by the parser and the client-side signers. */
import type { HeaderBag } from './types.js';

/** Splits a request target into the path and the raw query (without '?'). */
export function splitUrl(url: string): { path: string; rawQuery: string } {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  return { path: path === '' ? '/' : path, rawQuery: q < 0 ? '' : url.slice(q + 1) };
}

/** One header as a string (repeated values joined with ','), undefined when absent. */
export function headerValue(headers: HeaderBag, name: string): string | undefined {
  const v = headers[name];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(',') : v;
}

/** Only form bodies carry API parameters; JSON or binary bodies are covered by the hash alone. */
export function isFormBody(headers: HeaderBag): boolean {
  const ct = headerValue(headers, 'content-type') ?? '';
  return ct.trim().toLowerCase().startsWith('application/x-www-form-urlencoded');
}
