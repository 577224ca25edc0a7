import { type DestinationStream, type Logger, pino } from 'pino';

/** Keys whose values never reach a log line, at any depth up to MAX_DEPTH. */
const SECRET_KEYS = new Set(['secret', 'accessKeySecret', 'securityToken', 'secretAccessKey']);
/** The same for request headers (inside an object under `headers`), compared lower-case. */
const SECRET_HEADERS = new Set(['authorization', 'x-acs-security-token']);
const CENSOR = '[redacted]';
/** Deep enough for a logged config's `delivery.sls.accessKeySecret` under one more level. */
const MAX_DEPTH = 4;

/**
 * A copy of `value` with every secret-named key censored; `value` itself when there is none
 * (the usual case: one pass over the keys, no allocation). Never modifies what the caller
 * logged. Buffers and arrays are not walked.
 */
export function censorSecrets(value: unknown, depth = 0, inHeaders = false): unknown {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return value;
  const object = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(object)) {
    const v = object[key];
    let next: unknown;
    if (SECRET_KEYS.has(key) || (inHeaders && SECRET_HEADERS.has(key.toLowerCase()))) {
      next = CENSOR;
    } else if (v !== null && typeof v === 'object') {
      next = censorSecrets(v, depth + 1, key === 'headers');
    } else {
      continue;
    }
    if (next !== v) {
      copy ??= copyOf(object);
      copy[key] = next;
    }
  }
  return copy ?? value;
}

/** A shallow copy; an Error keeps its prototype, message and stack for pino's serializer. */
function copyOf(object: Record<string, unknown>): Record<string, unknown> {
  if (!(object instanceof Error)) return { ...object };
  return Object.create(
    Object.getPrototypeOf(object) as object,
    Object.getOwnPropertyDescriptors(object),
  ) as Record<string, unknown>;
}

/**
 * Structured JSON logs on stdout. Secrets never reach a log line (decisions §2): we never log
 * request URLs, headers or bodies, and secret-named keys are censored as a second line of
 * defence. That is done here rather than with pino's `redact` paths ([G]): its wildcard paths
 * (`*.secret`, `*.*.sls.accessKeySecret`, …) cost ~80–270 µs per line on this machine, paid by
 * every API request's log line; one pass over the keys costs about a microsecond.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'opentrail' },
    formatters: {
      log: (object: Record<string, unknown>) => censorSecrets(object) as Record<string, unknown>,
    },
  };
  // `destination` lets a test read the lines. The default writes stdout asynchronously ([G]):
  // one log line per API request cost a write(2) each on the request path (~6 % of a loaded
  // server's CPU); lines logged while a write is in flight now go out together with the next
  // one. Even so each write carried only a few lines and still cost ~5 % of a loaded server's
  // main thread (docs/benchmarks.md, "Round 3"), so lines are gathered up to 4 KB, and written
  // at the latest 250 ms after they were logged. pino flushes what is left when the process
  // exits; kill -9 may drop the last lines.
  return pino(
    options,
    destination ?? pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 250 }),
  );
}

/**
 * Writes the lines gathered so far at once, synchronously: for the lines someone waits for
 * (serve's "listening", the last lines of a shutdown), which must not wait for 4 KB, for the
 * periodic flush or for the exit. sonic-boom's asynchronous flush would leave lines below
 * minLength behind when a write is in flight.
 */
export function flushLogsSync(logger: Logger): void {
  const stream = (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] as
    | { flushSync?: () => void }
    | undefined;
  try {
    stream?.flushSync?.();
  } catch {
    // Not open yet, or closed: the exit flush writes what is left.
  }
}

export type { Logger };
