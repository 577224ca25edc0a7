import type { Config } from '../config/config.js';
import { DEV_KEY } from '../domain/emulator/dev-controls.js';

/**
 * `serve --dev` says loudly what it is, on stderr (not through the logger): where its data goes,
 * and the admin key to sign with. The secret is printed only when it is the documented dev
 * secret; a preset secret was chosen by the caller and stays out of the output.
 */
export function printDevBanner(
  config: Config,
  key: { accountId: string; accessKeyId: string },
  throwAwayDir: string | undefined,
  url: string,
): void {
  const line = '='.repeat(72);
  const data = config.databaseUrl
    ? 'PostgreSQL (OPENTRAIL_DATABASE_URL), kept'
    : throwAwayDir
      ? `${config.dataDir} (throw-away: removed on a clean stop)`
      : `${config.dataDir} (kept)`;
  const secret =
    config.bootstrap.accessKeyId === undefined ? DEV_KEY.accessKeySecret : '(the preset secret)';
  process.stderr.write(
    [
      line,
      ' opentrail: DEV MODE (emulator) - not for production',
      `   Data:            ${data}`,
      `   AccountId:       ${key.accountId}`,
      `   AccessKeyId:     ${key.accessKeyId} (admin)`,
      `   AccessKeySecret: ${secret}`,
      `   Endpoint:        ${url}`,
      ` Test hooks: POST ${url}/_opentrail/... (docs/emulator.md)`,
      line,
      '',
    ].join('\n'),
  );
}
