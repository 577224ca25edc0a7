import { readFileSync } from 'node:fs';

export type Phase = 'start' | 'warmup' | 'outage' | 'recovery' | 'after';

export interface RssSample {
  /** ms since sampling began, and epoch ms. */
  t: number;
  at: number;
  phase: Phase;
  /** VmRSS and its anonymous part (RssAnon: the heap, not mapped files), MiB. */
  rssMb: number;
  anonMb: number;
}

/** VmRSS and RssAnon of a process from /proc (Linux), MiB; undefined once it has exited. */
export function readRss(pid: number): { rssMb: number; anonMb: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1]);
  return { rssMb: kib('VmRSS') / 1024, anonMb: kib('RssAnon') / 1024 };
}

/** Samples a process's RSS every `everyMs`, each sample labelled with the current phase. */
export function sampleRss(pid: number, everyMs: number) {
  const samples: RssSample[] = [];
  const started = Date.now();
  let phase: Phase = 'start';
  const take = () => {
    const r = readRss(pid);
    if (r) samples.push({ t: Date.now() - started, at: Date.now(), phase, ...r });
  };
  take();
  const timer = setInterval(take, everyMs);
  timer.unref();
  return {
    phase(next: Phase) {
      take(); // the last sample of the phase before
      phase = next;
    },
    samples: () => samples,
    stop(): RssSample[] {
      clearInterval(timer);
      return samples;
    },
  };
}

/** Summary of one phase's samples: first, peak and last (MiB). */
export function phaseFigures(samples: RssSample[], phase: Phase, field: 'rssMb' | 'anonMb') {
  const of = samples.filter((s) => s.phase === phase).map((s) => s[field]);
  return {
    first: of[0] ?? Number.NaN,
    peak: of.length > 0 ? Math.max(...of) : Number.NaN,
    last: of.at(-1) ?? Number.NaN,
  };
}
