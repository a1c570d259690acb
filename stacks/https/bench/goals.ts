// Issue 10's goals for the TLS sidecar, evaluated on a run's summaries. They are measured, never tests:
// the report states each one's median (and min–max over the rounds) and whether the median meets it.
import { showSpread, type Spread } from '../../../scripts/bench/stats.js';
import type { Summary } from './aggregate.js';

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

const x2 = (v: number) => `${v.toFixed(2)}×`;
const ms = (v: number) => `${v.toFixed(3)} ms`;
const mb = (v: number) => `${v.toFixed(1)} MB`;
const single = (v: number | undefined): Spread | undefined => (v === undefined ? undefined : { median: v, min: v, max: v, runs: [v] });

/** Issue 10's goals: both modes where a goal names both; each ratio against the reference of the sidecar's own layer. */
export function goalsOf(rows: Summary[]): Goal[] {
  const tcp = rows.find((r) => r.id === 'ours-tcp'),
    http = rows.find((r) => r.id === 'ours-http');
  const modes = [
    ['tcp', tcp],
    ['http', http],
  ] as const;
  return [
    { text: 'http mode throughput ≥ 0.9× nginx http', got: http?.vsNginx, op: '≥', limit: 0.9, fmt: x2, alt: http?.capacityVsNginx },
    { text: 'http mode throughput ≥ 0.9× HAProxy http', got: http?.vsHaproxy, op: '≥', limit: 0.9, fmt: x2, alt: http?.capacityVsHaproxy },
    { text: 'tcp mode throughput ≥ 1.0× nginx stream', got: tcp?.vsNginx, op: '≥', limit: 1, fmt: x2, alt: tcp?.capacityVsNginx },
    ...modes.map(
      ([m, r]): Goal => ({ text: `added p99 at 1000 req/s ≤ 0.5 ms, ${m} mode`, got: r?.addedP99Ms, op: '≤', limit: 0.5, fmt: ms }),
    ),
    ...modes.map(
      ([m, r]): Goal => ({
        text: `CPU per new full TLS handshake ≤ 1.1× ${m === 'tcp' ? 'nginx stream' : 'nginx http'}'s, ${m} mode`,
        got: r?.hsCpuVsNginx,
        op: '≤',
        limit: 1.1,
        fmt: x2,
      }),
    ),
    ...modes.map(([m, r]): Goal => ({ text: `RSS idle ≤ 35 MB, ${m} mode`, got: single(r?.rssIdleMB), op: '≤', limit: 35, fmt: mb })),
    ...modes.map(
      ([m, r]): Goal => ({ text: `RSS under keep-alive load ≤ 50 MB, ${m} mode`, got: r?.rssLoadMB, op: '≤', limit: 50, fmt: mb }),
    ),
    ...modes.map(
      ([m, r]): Goal => ({ text: `RSS under connection churn ≤ 50 MB, ${m} mode`, got: r?.rssChurnMB, op: '≤', limit: 50, fmt: mb }),
    ),
  ];
}

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
