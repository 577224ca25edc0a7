import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { DEV_SLS_FAULTS, type DevSlsFault } from '../dev/sls/dev-sls-faults.js';
import { startDevSls } from '../dev/sls/dev-sls-server.js';

interface DevSlsOptions {
  host: string;
  port: string;
  dataDir: string;
  accessKeyId?: string;
  accessKeySecret?: string;
  securityToken?: string;
  projects?: string;
  fault?: DevSlsFault;
  faultCount?: string;
  slowMs?: string;
  maxLogAgeDays?: string;
}

function integer(value: string): string {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a whole number');
  return value;
}

/**
 * `opentrail dev sls`: a local Log Service for trying SLS delivery and for tests. The first line
 * on stdout is the endpoint URL (so a script can start it with `--port 0` and read the port).
 */
export function registerDevCommands(program: Command): void {
  const dev = program.command('dev').description('local stand-ins for cloud services');
  dev
    .command('sls')
    .description(
      'run a local Alibaba Cloud Log Service (PutLogs, logstores, indexes, GetLogs); prints its URL',
    )
    .option('-H, --host <host>', 'address to listen on', '127.0.0.1')
    .option('-p, --port <port>', 'port to listen on; 0 picks a free one', integer, '0')
    .option('-d, --data-dir <dir>', 'where logstores and logs are kept', './dev-sls')
    .option('--access-key-id <id>', 'accepted AccessKeyId (default $OPENTRAIL_SLS_ACCESS_KEY_ID)')
    .option('--access-key-secret <secret>', 'its secret (default $OPENTRAIL_SLS_ACCESS_KEY_SECRET)')
    .option(
      '--security-token <token>',
      'require this STS token (default $OPENTRAIL_SLS_SECURITY_TOKEN, none)',
    )
    .option('--projects <list>', 'comma-separated projects that exist (default: any project)')
    .option(
      '--fault <kind>',
      `make PutLogs fail: ${DEV_SLS_FAULTS.join('|')} (500, 403 quota, a late answer, a dropped connection)`,
      (v: string) => {
        if (!(DEV_SLS_FAULTS as readonly string[]).includes(v)) {
          throw new InvalidArgumentError(`must be one of ${DEV_SLS_FAULTS.join(', ')}`);
        }
        return v as DevSlsFault;
      },
    )
    .option('--fault-count <n>', 'fail only the first n PutLogs requests (default: all)', integer)
    .option('--slow-ms <ms>', 'how late --fault slow answers (default 30000)', integer)
    .option(
      '--max-log-age-days <days>',
      'refuse logs older than this (400 InvalidTimestamp), as short-TTL projects do',
      integer,
    )
    .action(async (opts: DevSlsOptions) => {
      const accessKeyId = opts.accessKeyId ?? process.env.OPENTRAIL_SLS_ACCESS_KEY_ID;
      const accessKeySecret = opts.accessKeySecret ?? process.env.OPENTRAIL_SLS_ACCESS_KEY_SECRET;
      if (!accessKeyId || !accessKeySecret) {
        throw new Error(
          'dev sls needs a key pair: --access-key-id and --access-key-secret, or OPENTRAIL_SLS_ACCESS_KEY_ID / OPENTRAIL_SLS_ACCESS_KEY_SECRET',
        );
      }
      const dataDir = path.resolve(opts.dataDir);
      mkdirSync(dataDir, { recursive: true });
      const server = await startDevSls({
        dataDir,
        host: opts.host,
        port: Number(opts.port),
        accessKeyId,
        accessKeySecret,
        securityToken: opts.securityToken ?? process.env.OPENTRAIL_SLS_SECURITY_TOKEN,
        projects: opts.projects
          ?.split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        maxLogAgeDays: opts.maxLogAgeDays === undefined ? undefined : Number(opts.maxLogAgeDays),
        faults: {
          fault: opts.fault,
          faultCount: opts.faultCount === undefined ? undefined : Number(opts.faultCount),
          slowMs: opts.slowMs === undefined ? undefined : Number(opts.slowMs),
        },
      });
      process.stdout.write(`${server.url}\n`);
      process.stderr.write(`dev sls: logs kept under ${dataDir}\n`);
      const stop = () => void server.close();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
