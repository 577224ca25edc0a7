/**
 * Percent-encoding as the Alibaba signers do it, and form-style decoding as the server must do it.
 *
 * Clients put different encodings on the wire for the same value (pop-core is strict RFC 3986,
 * the openapi cores leave `*!'()` raw, other SDKs send a space as `+`), so the server never signs
 * the raw wire string: it decodes with form semantics and re-encodes with the strict rule.
 */

// Precomputed per-byte output: unreserved bytes stay literal, all others become %XX (upper case).
const BYTE_ENCODING: readonly string[] = Array.from({ length: 256 }, (_, byte) => {
  const c = String.fromCharCode(byte);
  return /^[A-Za-z0-9\-_.~]$/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
});

/**
 * RFC 3986 encoding used by every Alibaba signer: only `A-Z a-z 0-9 - _ . ~` stay literal, every
 * other UTF-8 byte becomes `%XX`; so space → `%20` (never `+`), `*` → `%2A`.
 * Works byte-wise on the UTF-8 form so that it cannot throw (encodeURIComponent throws on lone
 * surrogates; Buffer turns them into U+FFFD instead).
 */
export function percentEncode(value: string): string {
  // Fast paths ([G]: every request encodes each parameter twice and the whole canonical query
  // once): most names and values are unreserved already, and encodeURIComponent differs from
  // the rule only in leaving !'()* raw. It throws on a lone surrogate: then byte by byte.
  if (UNRESERVED.test(value)) return value;
  try {
    return encodeURIComponent(value).replace(
      SUB_DELIMS,
      (c) => BYTE_ENCODING[c.charCodeAt(0)] ?? c,
    );
  } catch {
    return percentEncodeBytes(value);
  }
}

const UNRESERVED = /^[A-Za-z0-9\-_.~]*$/;
const SUB_DELIMS = /[!'()*]/g;

/** The rule itself, byte by byte over the UTF-8 form (lone surrogates become U+FFFD). */
export function percentEncodeBytes(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) out += BYTE_ENCODING[byte];
  return out;
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30; // 0-9
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37; // A-F
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57; // a-f
  return -1;
}

/**
 * Decodes one application/x-www-form-urlencoded component: `+` is a space, `%XX` a byte, and the
 * resulting bytes are read as UTF-8. Malformed escapes (`%zz`, a trailing `%`) are kept literally
 * and invalid UTF-8 becomes U+FFFD — the same as WHATWG URLSearchParams — so it never throws; such
 * input simply fails the signature comparison later.
 */
export function decodeFormComponent(component: string): string {
  if (!/[%+]/.test(component)) return component;
  const src = Buffer.from(component, 'utf8');
  const out = Buffer.alloc(src.length);
  let n = 0;
  for (let i = 0; i < src.length; i++) {
    const byte = src[i] as number;
    if (byte === 0x2b) {
      out[n++] = 0x20;
      continue;
    }
    if (byte === 0x25 && i + 2 < src.length) {
      const hi = hexValue(src[i + 1] as number);
      const lo = hexValue(src[i + 2] as number);
      if (hi >= 0 && lo >= 0) {
        out[n++] = hi * 16 + lo;
        i += 2;
        continue;
      }
    }
    out[n++] = byte;
  }
  return out.subarray(0, n).toString('utf8');
}

/**
 * Parses a query string or form body into name → value. A repeated name keeps its last value
 * (SDKs never repeat names). A Map is returned so that names like `__proto__` or `constructor`
 * are plain data, never object-prototype lookups.
 */
export function parseFormEncoded(text: string): Map<string, string> {
  const out = new Map<string, string>();
  if (text === '') return out;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? '' : pair.slice(eq + 1);
    out.set(decodeFormComponent(name), decodeFormComponent(value));
  }
  return out;
}
