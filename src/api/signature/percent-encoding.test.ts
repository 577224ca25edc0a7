import { describe, expect, it } from 'vitest';
import { decodeFormComponent, parseFormEncoded, percentEncode } from './index.js';
import { percentEncodeBytes } from './percent-encoding.js';

describe('percentEncode (RFC 3986, as the SDK signers)', () => {
  it('keeps only unreserved characters', () => {
    expect(percentEncode("a b*c~d!e'f(g)h+i/j:k")).toBe('a%20b%2Ac~d%21e%27f%28g%29h%2Bi%2Fj%3Ak');
    expect(percentEncode('AZaz09-_.~')).toBe('AZaz09-_.~');
  });

  it('encodes UTF-8 bytes with upper-case hex and never throws', () => {
    expect(percentEncode('中é')).toBe('%E4%B8%AD%C3%A9');
    expect(percentEncode('😀')).toBe('%F0%9F%98%80');
    // A lone surrogate makes encodeURIComponent throw; here it becomes U+FFFD.
    expect(percentEncode('\uD800')).toBe('%EF%BF%BD');
  });

  it('agrees with the encodeURIComponent-based SDK encoder on well-formed text', () => {
    const sdk = (s: string) =>
      encodeURIComponent(s).replace(
        /[!'()*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      );
    for (const s of ['a b+c*d~e!f(g)h中/?&=#%é', '', 'Tag.1.Key', '\u0000\u007f\u0080']) {
      expect(percentEncode(s)).toBe(sdk(s));
    }
  });

  it('gives, through its fast paths, exactly what the byte-wise rule gives', () => {
    // Every ASCII character, a few multi-byte ones and lone surrogates, in random strings.
    const alphabet = [
      ...Array.from({ length: 128 }, (_, i) => String.fromCharCode(i)),
      'é',
      '中',
      '😀',
      '\uD800',
      '\uDFFF',
    ];
    let seed = 7;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed;
    };
    for (let n = 0; n < 2_000; n++) {
      const s = Array.from({ length: next() % 12 }, () => alphabet[next() % alphabet.length]).join(
        '',
      );
      expect(percentEncode(s), JSON.stringify(s)).toBe(percentEncodeBytes(s));
    }
  });
});

describe('form decoding', () => {
  it('decodes + as space and %XX as UTF-8 bytes', () => {
    expect(decodeFormComponent('a+b%20c%2Bd')).toBe('a b c+d');
    expect(decodeFormComponent('%E4%B8%AD%c3%a9')).toBe('中é');
    expect(decodeFormComponent('c*d~e!f(g)h')).toBe('c*d~e!f(g)h');
  });

  it('keeps malformed escapes literally and replaces invalid UTF-8, without throwing', () => {
    expect(decodeFormComponent('%zz%4')).toBe('%zz%4');
    expect(decodeFormComponent('100%')).toBe('100%');
    expect(decodeFormComponent('%E4%B8')).toBe('\uFFFD');
    expect(decodeFormComponent('%FF')).toBe('\uFFFD');
  });

  it('parses pairs, keeps empty values and lets the last duplicate win', () => {
    const m = parseFormEncoded('A=1&Empty=&Flag&A=2&&__proto__=x&Tag.1.Key=k%201');
    expect(Object.fromEntries(m)).toEqual({
      A: '2',
      Empty: '',
      Flag: '',
      ['__proto__']: 'x',
      'Tag.1.Key': 'k 1',
    });
    expect(parseFormEncoded('').size).toBe(0);
  });
});
