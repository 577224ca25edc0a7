import { Command } from 'commander';
import { registerDevCommands } from './dev-sls.command.js';
import { registerImportCommand } from './import.command.js';
import { registerKeysCommand } from './keys.command.js';
import { registerOperationsCommands } from './operations.command.js';
import { registerSeedCommand } from './seed.command.js';
import { registerServeCommand } from './serve.command.js';

export async function runCli(argv: string[]): Promise<number | undefined> {
  const program = new Command('opentrail')
    .description('A self-hostable, wire-compatible Alibaba Cloud ActionTrail service')
    .showHelpAfterError();
  registerServeCommand(program);
  registerKeysCommand(program);
  registerImportCommand(program);
  registerSeedCommand(program);
  registerOperationsCommands(program);
  registerDevCommands(program);
  await program.parseAsync(argv);
  return undefined;
}
