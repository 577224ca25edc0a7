import { describe, expect, it } from 'vitest';
import { type SplitLine, splitLines } from './line-splitter.js';

async function split(chunks: (string | Buffer)[], maxLineBytes = 1024): Promise<SplitLine[]> {
  async function* source() {
    for (const chunk of chunks) yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  }
  const out: SplitLine[] = [];
  for await (const line of splitLines(source(), { maxLineBytes })) out.push(line);
  return out;
}

describe('splitLines', () => {
  it('joins lines across chunks and keeps the last line without a newline', async () => {
    expect(await split(['ab', 'c\nde', 'f\r\n', '\ng'])).toEqual([
      { line: 1, text: 'abc' },
      { line: 2, text: 'def' },
      { line: 3, text: '' },
      { line: 4, text: 'g' },
    ]);
  });

  it('decodes a UTF-8 character split between chunks', async () => {
    const bytes = Buffer.from('{"userName":"张三"}\n');
    const cut = bytes.indexOf(Buffer.from('张')) + 1;
    expect(await split([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual([
      { line: 1, text: '{"userName":"张三"}' },
    ]);
  });

  it('skips over-long lines without buffering them and goes on', async () => {
    const long = 'x'.repeat(50);
    expect(
      await split([`ok\n${long.slice(0, 20)}`, `${long.slice(20)}\nnext\n`, long], 16),
    ).toEqual([
      { line: 1, text: 'ok' },
      { line: 2, tooLongBytes: 50 },
      { line: 3, text: 'next' },
      { line: 4, tooLongBytes: 50 },
    ]);
  });

  it('starts counting where told', async () => {
    async function* one() {
      yield Buffer.from('a\nb');
    }
    const lines: SplitLine[] = [];
    for await (const line of splitLines(one(), { maxLineBytes: 10, firstLine: 5 }))
      lines.push(line);
    expect(lines.map((l) => l.line)).toEqual([5, 6]);
  });
});
