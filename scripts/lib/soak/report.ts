// A soak's verdict from its samples: per sidecar, the growth of resident memory after warm-up (the median
// of the last 5 minutes over the median of minutes 5-10), the range of open descriptors after warm-up, and
// the errors; with the run's failed requests and lost lines, against the goals of issue 22.
import { percentile } from '../../bench/stats.js';
import type { MinuteCounts } from '../stack-types.js';
import type { Sample } from './sample.js';

/** Samples taken during minute `minute` (1-based). */
export interface Timed {
  minute: number;
  samples: Sample[];
}

export interface SidecarVerdict {
  service: string;
  early: number;
  late: number;
  /** late / early - 1. */
  growth: number;
  fdMin: number;
  fdMax: number;
  /** The median of open descriptors in the late window minus that in the early one. */
  fdGrowth: number;
  errors: number;
  restarts: number;
}

export interface Verdict {
  minutes: number;
  /** The windows compared: [from, to] minutes, inclusive. */
  early: [number, number];
  late: [number, number];
  sidecars: SidecarVerdict[];
  requests: number;
  failed: number;
  rotations: number;
  lost?: number;
  duplicated?: number;
  /** The goals missed, one line each; empty when all are met. */
  missed: string[];
}

/** Memory may grow 10% after warm-up; the descriptors a steady load holds may differ by a handful, not climb. */
export const GOALS = { growth: 0.1, fds: 5 } as const;

const median = (xs: number[]) => (xs.length ? percentile(xs, 50) : Number.NaN);

/** Warm-up ends at minute 5; a run shorter than 15 minutes compares its first and last thirds instead. */
export function windows(minutes: number): { early: [number, number]; late: [number, number] } {
  if (minutes >= 15) return { early: [5, 10], late: [minutes - 4, minutes] };
  const third = Math.max(1, Math.floor(minutes / 3));
  return { early: [1, third], late: [minutes - third + 1, minutes] };
}

export function verdict(
  timed: Timed[],
  counts: MinuteCounts[],
  minutes: number,
  lostLines?: { lost: number; duplicated: number },
): Verdict {
  const { early, late } = windows(minutes);
  const inWindow = (w: [number, number]) => timed.filter((t) => t.minute >= w[0] && t.minute <= w[1]);
  const services = timed[0]?.samples.map((s) => s.service) ?? [];
  const sidecars = services.map((service) => {
    const of = (ts: Timed[]) => ts.flatMap((t) => t.samples.filter((s) => s.service === service));
    const e = median(of(inWindow(early)).map((s) => s.rss)),
      l = median(of(inWindow(late)).map((s) => s.rss));
    const fdGrowth = median(of(inWindow(late)).map((s) => s.fds)) - median(of(inWindow(early)).map((s) => s.fds));
    const after = of(timed.filter((t) => t.minute >= early[0]));
    const last = of(timed).at(-1);
    return {
      service,
      early: e,
      late: l,
      growth: l / e - 1,
      fdMin: Math.min(...after.map((s) => s.fds)),
      fdMax: Math.max(...after.map((s) => s.fds)),
      fdGrowth,
      errors: last?.errors ?? 0,
      restarts: last?.restarts ?? 0,
    };
  });
  const sum = (k: keyof MinuteCounts) => counts.reduce((s, c) => s + c[k], 0);
  const missed: string[] = [];
  for (const s of sidecars) {
    if (!(s.growth <= GOALS.growth)) missed.push(`${s.service}: resident memory grew ${(s.growth * 100).toFixed(1)}% (goal: at most 10%)`);
    if (!(s.fdGrowth <= GOALS.fds))
      missed.push(`${s.service}: open descriptors climbed by ${s.fdGrowth} (goal: flat, at most ${GOALS.fds})`);
    if (s.restarts > 0) missed.push(`${s.service}: restarted ${s.restarts} times`);
  }
  if (sum('failed') > 0) missed.push(`${sum('failed')} of ${sum('requests')} requests failed (goal: 0)`);
  if (lostLines && lostLines.lost > 0) missed.push(`${lostLines.lost} lines lost (goal: 0)`);
  return {
    minutes,
    early,
    late,
    sidecars,
    requests: sum('requests'),
    failed: sum('failed'),
    rotations: sum('rotations'),
    ...lostLines,
    missed,
  };
}

const pct = (v: number) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}%`;

/** The minute's line: counts, then each sidecar's memory, descriptors and errors. */
export function minuteLine(minute: number, c: MinuteCounts, samples: Sample[], seconds: number): string {
  const side = samples.map((s) => `${s.service} ${s.rss.toFixed(1)} MiB ${s.fds} fds ${s.errors} errors`).join(' | ');
  return `minute ${minute} (${Math.round(seconds)} s): ${c.requests} sent, ${c.failed} failed, ${c.rotations} rotations | ${side}`;
}

/** The verdict as Markdown: one row per sidecar, then the totals and the goals. */
export function markdown(v: Verdict): string[] {
  const rows = v.sidecars.map(
    (s) =>
      `| ${s.service} | ${s.early.toFixed(1)} | ${s.late.toFixed(1)} | ${pct(s.growth)} | ${s.fdMin}-${s.fdMax} | ${s.errors} | ${s.restarts} |`,
  );
  const lines = v.lost === undefined ? '' : `, ${v.lost} lines lost, ${v.duplicated} duplicated`;
  return [
    `| sidecar | RSS MiB, minutes ${v.early[0]}-${v.early[1]} (median) | RSS MiB, minutes ${v.late[0]}-${v.late[1]} (median) | growth | open fds after minute ${v.early[0]} | error lines | restarts |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    `${v.minutes} minutes: ${v.requests} sent, ${v.failed} failed, ${v.rotations} rotations${lines}.`,
    v.missed.length
      ? `Goals missed: ${v.missed.join('; ')}.`
      : 'Every goal met: memory growth at most 10%, flat descriptors, no restart, 0 failed, 0 lost.',
  ];
}
