/** Failures `opentrail dev sls` injects into PutLogs, so a client's retry path can be watched. */
export const DEV_SLS_FAULTS = ['5xx', 'quota', 'slow', 'drop'] as const;
export type DevSlsFault = (typeof DEV_SLS_FAULTS)[number];

export interface FaultOptions {
  fault?: DevSlsFault | undefined;
  /** How many PutLogs requests fail before the rest succeed; unset, every one. */
  faultCount?: number | undefined;
  /** How long `slow` waits before answering (the client's timeout should fire first). */
  slowMs?: number | undefined;
}

export type FaultAction =
  | { kind: 'none' }
  | {
      kind: 'answer';
      status: number;
      code: string;
      message: string;
      headers?: Record<string, string>;
    }
  | { kind: 'slow'; ms: number }
  | { kind: 'drop' };

/**
 * Decides, per PutLogs request, whether to inject the configured fault:
 * - `5xx`   500 InternalServerError
 * - `quota` 403 WriteQuotaExceed with `Retry-After: 1`
 * - `slow`  answers 200 only after `slowMs` (default 30 s)
 * - `drop`  closes the connection without an answer
 */
export class FaultPlan {
  private injected = 0;

  constructor(private readonly options: FaultOptions) {}

  next(): FaultAction {
    const { fault, faultCount } = this.options;
    if (!fault || (faultCount !== undefined && this.injected >= faultCount))
      return { kind: 'none' };
    this.injected += 1;
    switch (fault) {
      case '5xx':
        return {
          kind: 'answer',
          status: 500,
          code: 'InternalServerError',
          message: 'injected by opentrail dev sls --fault 5xx',
        };
      case 'quota':
        return {
          kind: 'answer',
          status: 403,
          code: 'WriteQuotaExceed',
          message: 'Write quota is exceeded (injected by opentrail dev sls --fault quota)',
          headers: { 'retry-after': '1' },
        };
      case 'slow':
        return { kind: 'slow', ms: this.options.slowMs ?? 30_000 };
      case 'drop':
        return { kind: 'drop' };
    }
  }
}
