import { Command, CommanderError } from 'commander';

type Register = (program: Command) => void;

/**
 * Each command module, loaded only when its command runs: the local commands pull in the
 * database stack (kysely, better-sqlite3, pg) and `serve` the HTTP server and sinks, which
 * cost a remote command like `opentrail trails list` about 2 s of start-up before. In the order
 * `--help` lists them.
 */
export const COMMAND_MODULES: ReadonlyArray<{
  names: readonly string[];
  load(): Promise<Register>;
}> = [
  { names: ['serve'], load: async () => (await import('./serve.command.js')).registerServeCommand },
  { names: ['keys'], load: async () => (await import('./keys.command.js')).registerKeysCommand },
  {
    names: ['import'],
    load: async () => (await import('./import.command.js')).registerImportCommand,
  },
  { names: ['seed'], load: async () => (await import('./seed.command.js')).registerSeedCommand },
  {
    names: ['migrate', 'doctor'],
    load: async () => (await import('./operations.command.js')).registerOperationsCommands,
  },
  { names: ['dev'], load: async () => (await import('./dev-sls.command.js')).registerDevCommands },
  {
    names: ['configure'],
    load: async () => (await import('./remote/configure.command.js')).registerConfigureCommand,
  },
  {
    names: ['trails'],
    load: async () => (await import('./remote/trails.command.js')).registerTrailsCommand,
  },
  {
    names: ['jobs'],
    load: async () => (await import('./remote/jobs.command.js')).registerJobsCommand,
  },
  {
    names: ['events'],
    load: async () => (await import('./remote/events.command.js')).registerEventsCommand,
  },
  {
    names: ['selectors', 'templates'],
    load: async () =>
      (await import('./remote/selectors-templates.command.js'))
        .registerSelectorsAndTemplatesCommands,
  },
  {
    names: ['regions', 'storage-region', 'key-usage', 'api'],
    load: async () => (await import('./remote/account.command.js')).registerAccountCommands,
  },
  {
    names: ['completion'],
    load: async () => (await import('./remote/completion.command.js')).registerCompletionCommand,
  },
];

/** Exit code of a usage error (unknown flag, missing argument): docs/cli.md. */
const USAGE_EXIT = 2;

/**
 * The program with the command `only` (a top-level name) registered, or every command when it
 * is not given or not known (help, completion, a misspelt command's suggestions need them all).
 */
export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command('opentrail')
    .description('A self-hostable, wire-compatible Alibaba Cloud ActionTrail service')
    .showHelpAfterError()
    // Commander would exit by itself; main.ts is the only place that exits (architecture).
    .exitOverride();
  const one = COMMAND_MODULES.find((m) => only !== 'completion' && m.names.includes(only ?? ''));
  for (const m of one ? [one] : COMMAND_MODULES) (await m.load())(program);
  return program;
}

export async function runCli(argv: string[]): Promise<number | undefined> {
  try {
    // argv[2] is the command (the program itself has no options that could come first).
    await (await buildProgram(argv[2])).parseAsync(argv);
  } catch (e) {
    // --help and --version end with exit code 0; everything else commander raises is a
    // usage error (it has already printed it and the help).
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : USAGE_EXIT;
    throw e;
  }
  return undefined;
}
