/**
 * A small seeded PRNG (sfc32, 128-bit state, seeded through splitmix32) so seeded histories are
 * reproducible across runs and machines; Math.random cannot be seeded. sfc32's period (≥ 2^32,
 * ~2^127 on average) is far beyond the draws of a billion-event history, where mulberry32's
 * 2^32 would start repeating.
 */
export interface Rng {
  /** Uniform in [0, 1); never exactly 0, so it is safe under logarithms and roots. */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  /** Upper-case random (version 4 layout) UUID, as ActionTrail writes event and request ids. */
  uuid(): string;
  /** `length` characters of [0-9a-z], as in Alibaba resource ids. */
  alnum(length: number): string;
  digits(length: number): string;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0').toUpperCase());
const ALNUM = '0123456789abcdefghijklmnopqrstuvwxyz';
const TWO_POW_32 = 4294967296;

export function createRng(seed: number | string): Rng {
  let s = typeof seed === 'number' ? seed >>> 0 : hashString(seed);
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const u32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) u32(); // let the state mix before the first draw

  const next = (): number => (u32() + 0.5) / TWO_POW_32;
  const int = (n: number): number => Math.floor(next() * n);
  const hex8 = (): string => {
    const v = u32();
    return `${HEX[v >>> 24]}${HEX[(v >>> 16) & 255]}${HEX[(v >>> 8) & 255]}${HEX[v & 255]}`;
  };
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => items[int(items.length)] as T,
    chance: (p: number) => next() < p,
    uuid: () => {
      const h = `${hex8()}${hex8()}${hex8()}${hex8()}`;
      const variant = '89AB'[int(4)];
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20)}`;
    },
    alnum: (length: number) => {
      let out = '';
      for (let i = 0; i < length; i++) out += ALNUM[int(36)];
      return out;
    },
    digits: (length: number) => {
      let out = '';
      for (let i = 0; i < length; i++) out += String(int(10));
      return out;
    },
  };
}

/** FNV-1a, so string seeds ("demo", "bench-2024") work as well as numbers. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Picks indexes in proportion to fixed weights (cumulative table, linear scan: lists are short). */
export function weightedIndex(weights: readonly number[]): (rng: Rng) => number {
  const total = weights.reduce((sum, w) => sum + w, 0);
  let running = 0;
  const cumulative = weights.map((w) => {
    running += w / total;
    return running;
  });
  const last = cumulative.length - 1;
  return (rng) => {
    const u = rng.next();
    for (let i = 0; i < last; i++) if (u < (cumulative[i] as number)) return i;
    return last;
  };
}
