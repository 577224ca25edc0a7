import { type DestinationStream, type Logger, pino } from 'pino';

/**
 * Structured JSON logs on stdout. Secrets never reach a log line (decisions §2): we never log
 * request URLs, headers or bodies, and these paths are redacted as a second line of defence.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'opentrail' },
    redact: {
      paths: [
        'secret',
        '*.secret',
        'accessKeySecret',
        '*.accessKeySecret',
        'securityToken',
        '*.securityToken',
        // the configuration's SLS keys (delivery.sls), should a config object ever be logged
        '*.sls.accessKeySecret',
        '*.sls.securityToken',
        '*.*.sls.accessKeySecret',
        '*.*.sls.securityToken',
        // and its OSS keys (delivery.oss)
        '*.oss.accessKeySecret',
        '*.*.oss.accessKeySecret',
        'secretAccessKey',
        '*.secretAccessKey',
        'headers.authorization',
        '*.headers.authorization',
        '*.headers["x-acs-security-token"]',
      ],
      censor: '[redacted]',
    },
  };
  // `destination` lets a test read the lines. The default writes stdout asynchronously ([G]):
  // one log line per API request cost a write(2) each on the request path (~6 % of a loaded
  // server's CPU); lines logged while a write is in flight now go out together with the next
  // one. pino flushes what is left when the process exits; kill -9 may drop the last lines.
  return pino(options, destination ?? pino.destination({ dest: 1, sync: false }));
}

export type { Logger };
