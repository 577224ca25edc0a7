import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram, COMMAND_MODULES } from './program.js';

const topLevel = (p: Command) => p.commands.map((c) => c.name());

// Importing every command module (the server, the database stack) takes a few seconds.
describe('the lazily loaded command table', { timeout: 30_000 }, () => {
  it('names exactly the top-level commands each module registers', async () => {
    for (const m of COMMAND_MODULES) {
      const program = new Command('opentrail');
      (await m.load())(program);
      expect(topLevel(program)).toEqual(m.names);
    }
  });

  it('loads one module for a known command, every module otherwise', async () => {
    expect(topLevel(await buildProgram('jobs'))).toEqual(['jobs']);
    expect(topLevel(await buildProgram('doctor'))).toEqual(['migrate', 'doctor']);
    const all = COMMAND_MODULES.flatMap((m) => m.names);
    expect(topLevel(await buildProgram(undefined))).toEqual(all);
    expect(topLevel(await buildProgram('--help'))).toEqual(all);
    expect(topLevel(await buildProgram('trial'))).toEqual(all); // "did you mean trails?"
    expect(topLevel(await buildProgram('completion'))).toEqual(all);
  });
});
