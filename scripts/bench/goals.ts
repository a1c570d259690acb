// A benchmark's goals, evaluated on its summaries. They are measured, never tests: the report states each
// one's median (and min–max over the rounds) and whether the median meets it.
import { showSpread, type Spread } from './stats.js';

export type Verdict = 'met' | 'not met' | 'n/a';

export interface Goal {
  text: string;
  /** The measured figure: per-round ratios or values, median with min–max. */
  got: Spread | undefined;
  /** Met when the median is at least (≥) or at most (≤) the limit. */
  op: '≥' | '≤';
  limit: number;
  fmt: (v: number) => string;
  /** The same ratio from CPU cost per request, for the throughput goals. */
  alt?: Spread;
}

/** Whether a median meets a limit; n/a when nothing was measured (a variant left out, an old saved run). */
export function verdict(median: number | undefined, op: Goal['op'], limit: number): Verdict {
  if (median === undefined || !Number.isFinite(median)) return 'n/a';
  return (op === '≥' ? median >= limit : median <= limit) ? 'met' : 'not met';
}

/** One figure as a spread of one run (an idle memory figure measured once). */
export const single = (v: number | undefined): Spread | undefined =>
  v === undefined ? undefined : { median: v, min: v, max: v, runs: [v] };

/** How a goal states its figures: a ratio, milliseconds, megabytes. */
export const goalUnits = {
  x2: (v: number) => `${v.toFixed(2)}×`,
  ms: (v: number) => `${v.toFixed(3)} ms`,
  mb: (v: number) => `${v.toFixed(1)} MB`,
};

/** The goals as a Markdown table: the goal, the median with its min–max, the verdict on the median. */
export function goalTable(goals: Goal[]): string[] {
  return [
    '| goal | measured: median (min–max) | |',
    '| --- | --- | --- |',
    ...goals.map((g) => {
      const v = verdict(g.got?.median, g.op, g.limit);
      const alt = g.alt && Number.isFinite(g.alt.median) ? `; from CPU per request ${showSpread(g.alt, g.fmt)}` : '';
      return `| ${g.text} | ${showSpread(g.got, g.fmt)}${alt} | ${v === 'not met' ? '**not met**' : v} |`;
    }),
  ];
}
