/**
 * Orders strings by UTF-16 code unit, like `Array.prototype.sort()` without a comparator and
 * unlike `localeCompare`: what the SDKs' signatures and a stable byte-wise order need.
 */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
