import { Command } from 'commander';
import { registerKeysCommand } from './keys.command.js';
import { registerServeCommand } from './serve.command.js';

export async function runCli(argv: string[]): Promise<number | undefined> {
  const program = new Command('opentrail')
    .description('A self-hostable, wire-compatible Alibaba Cloud ActionTrail service')
    .showHelpAfterError();
  registerServeCommand(program);
  registerKeysCommand(program);
  await program.parseAsync(argv);
  return undefined;
}
