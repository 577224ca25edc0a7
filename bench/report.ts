/**
 * The table `npm run bench` prints and writes into docs/benchmarks.md: every figure beside its
 * goal and, where one exists, the baseline measured in the same run, so the ratio means
 * something on any machine.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

export interface Row {
  benchmark: string;
  /** What was measured, e.g. "1,000,000 events". */
  size: string;
  result: string;
  goal: string;
  baseline: string;
  /** result / baseline, when both are rates. */
  ratio: string;
}

export const COLUMNS = ['Benchmark', 'Size', 'Result', 'Goal', 'Baseline (same run)', 'Ratio'];

export function rate(n: number, unit: string): string {
  return `${Math.round(n).toLocaleString('en-US')} ${unit}`;
}

export function ms(n: number): string {
  return `${n < 10 ? n.toFixed(2) : n.toFixed(1)} ms`;
}

export function ratio(value: number, baseline: number): string {
  return Number.isFinite(value / baseline) ? `${(value / baseline).toFixed(2)}×` : '—';
}

export function markdownTable(rows: readonly Row[]): string {
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [
    line(COLUMNS),
    line(COLUMNS.map(() => '---')),
    ...rows.map((r) => line([r.benchmark, r.size, r.result, r.goal, r.baseline, r.ratio])),
  ].join('\n');
}

export interface RunInfo {
  date: string;
  settings: string;
  elapsedSeconds: number;
}

export function machineLines(info: RunInfo): string[] {
  const cpus = os.cpus();
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
  return [
    `- date: ${info.date}`,
    `- cores: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown'}`,
    `- memory: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB (free at the start: ${(os.freemem() / 2 ** 30).toFixed(1)} GiB)`,
    `- load average at the end (1, 5, 15 min): ${load}`,
    `- Node ${process.version} on ${os.platform()} ${os.release()}`,
    `- settings: ${info.settings}`,
    `- run time: ${info.elapsedSeconds.toFixed(0)} s`,
  ];
}

const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

/**
 * Puts the run between the markers of `file`, keeping what the page says around them (the
 * profiles and the before/after are written by hand); a missing file gets a minimal page.
 */
export function writeReport(file: string, rows: readonly Row[], info: RunInfo): void {
  const block = [START, '', ...machineLines(info), '', markdownTable(rows), '', END].join('\n');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    text = `# Benchmarks\n\n${START}\n${END}\n`;
  }
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  text =
    a >= 0 && b > a
      ? text.slice(0, a) + block + text.slice(b + END.length)
      : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, text);
}
