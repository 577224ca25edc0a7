import { Command, CommanderError } from 'commander';
import { registerDevCommands } from './dev-sls.command.js';
import { registerImportCommand } from './import.command.js';
import { registerKeysCommand } from './keys.command.js';
import { registerOperationsCommands } from './operations.command.js';
import { registerAccountCommands } from './remote/account.command.js';
import { registerCompletionCommand } from './remote/completion.command.js';
import { registerConfigureCommand } from './remote/configure.command.js';
import { registerEventsCommand } from './remote/events.command.js';
import { registerJobsCommand } from './remote/jobs.command.js';
import { registerSelectorsAndTemplatesCommands } from './remote/selectors-templates.command.js';
import { registerTrailsCommand } from './remote/trails.command.js';
import { registerSeedCommand } from './seed.command.js';
import { registerServeCommand } from './serve.command.js';

/** Exit code of a usage error (unknown flag, missing argument): docs/cli.md. */
const USAGE_EXIT = 2;

export function buildProgram(): Command {
  const program = new Command('opentrail')
    .description('A self-hostable, wire-compatible Alibaba Cloud ActionTrail service')
    .showHelpAfterError()
    // Commander would exit by itself; main.ts is the only place that exits (architecture).
    .exitOverride();
  registerServeCommand(program);
  registerKeysCommand(program);
  registerImportCommand(program);
  registerSeedCommand(program);
  registerOperationsCommands(program);
  registerDevCommands(program);
  registerConfigureCommand(program);
  registerTrailsCommand(program);
  registerJobsCommand(program);
  registerEventsCommand(program);
  registerSelectorsAndTemplatesCommands(program);
  registerAccountCommands(program);
  registerCompletionCommand(program);
  return program;
}

export async function runCli(argv: string[]): Promise<number | undefined> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (e) {
    // --help and --version end with exit code 0; everything else commander raises is a
    // usage error (it has already printed it and the help).
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : USAGE_EXIT;
    throw e;
  }
  return undefined;
}
