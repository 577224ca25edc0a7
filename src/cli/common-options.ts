import type { Command } from 'commander';
import type { Config } from '../config/config.js';
import { loadConfig } from '../config/load-config.js';

/** Options every command shares: where the configuration and the data live. */
export interface CommonOptions {
  config?: string;
  dataDir?: string;
}

export function addCommonOptions(cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', 'JSON config file (default: $OPENTRAIL_CONFIG)')
    .option('-d, --data-dir <dir>', 'data directory (default: ./data, $OPENTRAIL_DATA_DIR)');
}

export function configFromOptions(
  opts: CommonOptions,
  flags: Record<string, unknown> = {},
): Config {
  return loadConfig({
    ...(opts.config ? { file: opts.config } : {}),
    flags: { dataDir: opts.dataDir, ...flags },
  });
}
