// Issue 10's goals for the TLS sidecar, evaluated on a run's summaries. They are measured, never tests:
// the report states each one's median (and min–max over the rounds) and whether the median meets it.
import { goalUnits, single, type Goal } from '../../../scripts/bench/goals.js';
import type { Summary } from './aggregate.js';

export { goalTable, verdict, type Goal } from '../../../scripts/bench/goals.js';

const { x2, ms, mb } = goalUnits;

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
