/**
 * Pure pieces of `jobs watch`: what one region of a GetDeliveryHistoryJob answer says, its
 * events/s and ETA from successive polls, and the text lines. The per-region counters
 * (`Progress`, `TotalEvents`, `DeliveredEvents`, error fields) are shown when the server sends
 * them; an older server sends only `Status`, and then only the status is shown.
 */

export const JOB_STATUS_NAMES: Record<number, string> = {
  0: 'queued',
  1: 'running',
  2: 'succeeded',
  3: 'failed',
};

export function statusName(status: unknown): string {
  return typeof status === 'number' ? (JOB_STATUS_NAMES[status] ?? `status ${status}`) : 'unknown';
}

export interface RegionView {
  region: string;
  status: number;
  delivered?: number;
  total?: number;
  /** 0–100. */
  percent?: number;
  errors?: number;
  lastError?: string;
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Reads `Status: [{Region, Status, …}]`, tolerant of the counters being absent. */
export function regionViews(job: Record<string, unknown>): RegionView[] {
  const list = Array.isArray(job.Status) ? (job.Status as Record<string, unknown>[]) : [];
  return list.map((r) => {
    const view: RegionView = { region: String(r.Region ?? '?'), status: num(r.Status) ?? 0 };
    const delivered = num(r.DeliveredEvents);
    const total = num(r.TotalEvents);
    if (delivered !== undefined) view.delivered = delivered;
    if (total !== undefined) view.total = total;
    // `Progress` may be a percentage (0–100) or a fraction (0–1); both are read as a percentage.
    const progress = num(r.Progress);
    if (progress !== undefined)
      view.percent = progress <= 1 && progress > 0 ? progress * 100 : progress;
    else if (delivered !== undefined && total !== undefined && total > 0) {
      view.percent = (100 * delivered) / total;
    } else if (total === 0) view.percent = view.status === 2 ? 100 : 0;
    const errors = num(r.ErrorCount ?? r.FailedAttempts ?? r.Failures);
    if (errors !== undefined) view.errors = errors;
    const code = str(r.ErrorCode) ?? str(r.LastErrorCode);
    const message = str(r.ErrorMessage) ?? str(r.LastError) ?? str(r.LastErrorMessage);
    if (code || message) view.lastError = [code, message].filter(Boolean).join(': ');
    return view;
  });
}

/** events/s over a sliding window of polls, per region. */
export class RateTracker {
  private readonly samples = new Map<string, { t: number; v: number }[]>();

  constructor(private readonly windowMs = 10_000) {}

  /** Records `value` (events delivered, or a percentage) at `t` ms; returns units per second. */
  add(region: string, t: number, value: number): number | undefined {
    const list = this.samples.get(region) ?? [];
    list.push({ t, v: value });
    while (list.length > 2 && (list[0]?.t ?? t) < t - this.windowMs) list.shift();
    this.samples.set(region, list);
    const first = list[0];
    if (!first || t - first.t < 200) return undefined;
    return ((value - first.v) * 1000) / (t - first.t);
  }
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Seconds left at `rate` per second, or undefined when there is nothing to estimate from. */
export function eta(view: RegionView, rate: number | undefined): number | undefined {
  if (view.status >= 2) return 0;
  if (rate === undefined || rate <= 0) return undefined;
  if (view.delivered !== undefined && view.total !== undefined) {
    return Math.max(0, view.total - view.delivered) / rate;
  }
  return undefined;
}

/** The plain one-line form (pipes, CI logs): counters only when the server sent them. */
export function regionLine(view: RegionView, rate?: number): string {
  const parts = [view.region.padEnd(14), statusName(view.status).padEnd(9)];
  if (view.delivered !== undefined) {
    const of = view.total !== undefined ? `/${formatCount(view.total)}` : '';
    parts.push(`${formatCount(view.delivered)}${of} events`);
  }
  if (view.percent !== undefined) parts.push(`${Math.floor(view.percent)}%`);
  if (view.status === 1 && rate !== undefined && view.delivered !== undefined) {
    parts.push(`${formatCount(Math.max(0, rate))} events/s`);
    const left = eta(view, rate);
    if (left !== undefined) parts.push(`ETA ${formatDuration(left)}`);
  }
  if (view.errors) parts.push(`${view.errors} error${view.errors === 1 ? '' : 's'}`);
  if (view.lastError) parts.push(`(${view.lastError})`);
  return parts.join('  ').trimEnd();
}

/** The lines printed when the job ends. */
export function summaryLines(job: Record<string, unknown>, seconds: number): string[] {
  const views = regionViews(job);
  const delivered = views.reduce((n, v) => n + (v.delivered ?? 0), 0);
  const counted = views.some((v) => v.delivered !== undefined);
  const state = typeof job.State === 'string' ? ` (${job.State})` : '';
  const head =
    `job ${String(job.JobId)} ${statusName(job.JobStatus)}${state} after ${formatDuration(seconds)}: ` +
    `${views.length} region${views.length === 1 ? '' : 's'}` +
    (counted ? `, ${formatCount(delivered)} events delivered` : '');
  return [head, ...views.map((v) => `  ${regionLine(v)}`)];
}
