import { runCli } from './cli/program.js';

// The process entry point: the only place that exits.
runCli(process.argv).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`opentrail: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
