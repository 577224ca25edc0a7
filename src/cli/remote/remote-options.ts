import type { Command } from 'commander';
import { type ApiClient, createApiClient } from './api-client.js';
import { reportError } from './output.js';
import { type RemoteFlags, resolveConnection } from './profile.js';

export interface RemoteOptions extends RemoteFlags {
  json?: boolean;
}

/** The flags every remote command takes (see profile.ts for their precedence). */
export function addRemoteOptions(cmd: Command): Command {
  return cmd
    .option(
      '--endpoint <url>',
      'server URL (default: $OPENTRAIL_ENDPOINT, $ALIBABA_CLOUD_ENDPOINT, the profile)',
    )
    .option(
      '--access-key-id <id>',
      'AccessKeyId (default: $ALIBABA_CLOUD_ACCESS_KEY_ID, the profile)',
    )
    .option(
      '--access-key-secret <secret>',
      'AccessKeySecret (default: $ALIBABA_CLOUD_ACCESS_KEY_SECRET, the profile)',
    )
    .option(
      '--security-token <token>',
      'SecurityToken of an STS key (default: $ALIBABA_CLOUD_SECURITY_TOKEN)',
    )
    .option(
      '-p, --profile <name>',
      'profile in ~/.opentrail/config.json (default: $OPENTRAIL_PROFILE, "default")',
    )
    .option('--json', 'print the API answer as JSON');
}

export function clientFrom(opts: RemoteFlags): ApiClient {
  return createApiClient(resolveConnection(opts));
}

/**
 * Wraps a remote command's action: an error becomes `Code: message` + hint on stderr and the
 * documented exit code; the action may return an exit code of its own (jobs watch).
 */
export function remoteAction<A extends unknown[]>(
  fn: (...args: A) => Promise<unknown>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      const code = await fn(...args);
      if (typeof code === 'number') process.exitCode = code;
    } catch (e) {
      process.exitCode = reportError(e);
    }
  };
}
