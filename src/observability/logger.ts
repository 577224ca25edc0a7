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
  // `destination` lets a test read the lines; the default is pino's own fast stdout writer.
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
