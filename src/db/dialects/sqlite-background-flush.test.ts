import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startBackgroundFlush } from './sqlite-background-flush.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function file(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'flush-'));
  dirs.push(dir);
  const f = path.join(dir, 'db');
  writeFileSync(f, Buffer.alloc(1 << 20, 1));
  return f;
}

const openFds = () => readdirSync('/proc/self/fd').length;
const settle = () => new Promise((r) => setTimeout(r, 50));

describe.runIf(process.platform === 'linux')('startBackgroundFlush', () => {
  it('holds one descriptor while it runs and none after stop, a flush in flight or not', async () => {
    const before = openFds();
    const idle = startBackgroundFlush(file(), 10);
    expect(openFds()).toBe(before + 1);
    await new Promise((r) => setTimeout(r, 40)); // a few timer flushes
    idle.stop();
    await settle();
    expect(openFds()).toBe(before);

    const busy = startBackgroundFlush(file(), 60_000);
    busy.kick();
    busy.stop(); // the kicked flush is still on the thread pool: it closes the descriptor
    busy.kick(); // after stop: nothing
    busy.stop();
    await settle();
    expect(openFds()).toBe(before);
  });

  it('does nothing for an in-memory database or a file that is not there', () => {
    const before = openFds();
    for (const name of [':memory:', '', path.join(tmpdir(), 'no-such-dir-x', 'db')]) {
      const f = startBackgroundFlush(name);
      f.kick();
      f.stop();
    }
    expect(openFds()).toBe(before);
  });
});
