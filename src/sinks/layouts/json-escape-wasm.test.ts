import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without type declarations
import { compileJsonEscape } from '../../../scripts/build-json-escape-wasm.mjs';
import { JSON_ESCAPE_WASM } from './json-escape-wasm.js';

interface Escape {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  escape(src: number, end: number, dst: number): number;
}

/** The parts of the WebAssembly API used here (the project's TypeScript libs do not type it). */
const wasm = (
  globalThis as unknown as {
    WebAssembly: {
      Module: new (bytes: Uint8Array) => object;
      Instance: new (module: object, imports: object) => { exports: unknown };
    };
  }
).WebAssembly;

function instance(): Escape {
  const module = new wasm.Module(Buffer.from(JSON_ESCAPE_WASM, 'base64'));
  return new wasm.Instance(module, {}).exports as Escape;
}

/** What the module writes for a text placed at `offset` (past its 64 bytes of tables). */
function escaped(e: Escape, text: string, offset = 64): string {
  const bytes = Buffer.from(text, 'utf8');
  const need = offset + bytes.length * 7 + 128;
  if (need > e.memory.buffer.byteLength)
    e.memory.grow(Math.ceil((need - e.memory.buffer.byteLength) / 65_536));
  const m = Buffer.from(e.memory.buffer);
  // Garbage around the input: the module must stop at `end` whatever follows.
  m.fill(0x22, offset - 16, offset + bytes.length + 32);
  bytes.copy(m, offset);
  const out = offset + bytes.length + 32;
  const end = e.escape(offset, offset + bytes.length, out);
  return Buffer.from(e.memory.buffer).toString('utf8', out, end);
}

describe('the JSON string escape in WebAssembly (the SLS-layout body thread)', () => {
  it('is the module json-escape.wat compiles to', async () => {
    expect(await compileJsonEscape()).toBe(JSON_ESCAPE_WASM);
  });

  it('writes what JSON.stringify writes for every byte, at every alignment', () => {
    const e = instance();
    let all = '';
    for (let c = 0; c < 128; c++) all += String.fromCharCode(c);
    all += 'é☕𝄞\u2028\u2029\ufeff\u00ff';
    for (let offset = 64; offset < 64 + 17; offset++) {
      for (const text of [
        all,
        '',
        'a',
        '"',
        '\\',
        '\u0000',
        'x'.repeat(15),
        `${'y'.repeat(16)}"`,
      ]) {
        expect(escaped(e, text, offset)).toBe(JSON.stringify(text).slice(1, -1));
      }
    }
  });

  it('handles long runs with and without escapes', () => {
    const e = instance();
    for (const text of [
      'plain '.repeat(5_000),
      '\\"'.repeat(3_000),
      '\u0001\u001f'.repeat(3_000),
    ]) {
      expect(escaped(e, text)).toBe(JSON.stringify(text).slice(1, -1));
    }
  });
});
