// Issues 10 and 28's goals for the TLS sidecar, evaluated on a run's summaries. They are measured, never tests:
// the report states each one's median (and min–max over the rounds) and whether the median meets it.
import { goalUnits, single, type Goal } from '../../../scripts/bench/goals.js';
import type { Summary } from './aggregate.js';

export { goalTable, verdict, type Goal } from '../../../scripts/bench/goals.js';

const { x2, ms, mb } = goalUnits;

/**
 * The goals of issues 10 and 28: both modes where a goal names both; each ratio against the reference of the
 * sidecar's own layer. floorMB: the idle RSS of a bare Bun holding one TLS listener, measured in the same run.
 */
export function goalsOf(rows: Summary[], floorMB?: number): Goal[] {
  const tcp = rows.find((r) => r.id === 'ours-tcp'),
    http = rows.find((r) => r.id === 'ours-http');
  const modes = [
    ['tcp', tcp],
    ['http', http],
  ] as const;
  const idleLimit = floorMB === undefined ? undefined : Math.round((floorMB + 8) * 10) / 10;
  return [
    { text: 'http mode throughput ≥ 1.0× nginx http', got: http?.vsNginx, op: '≥', limit: 1, fmt: x2, alt: http?.capacityVsNginx },
    { text: 'http mode throughput ≥ 1.0× HAProxy http', got: http?.vsHaproxy, op: '≥', limit: 1, fmt: x2, alt: http?.capacityVsHaproxy },
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
    ...(idleLimit === undefined
      ? []
      : modes.map(
          ([m, r]): Goal => ({
            text: `RSS idle ≤ the floor + 8 MB (a bare Bun with one TLS listener: ${floorMB} MB), ${m} mode`,
            got: single(r?.rssIdleMB),
            op: '≤',
            limit: idleLimit,
            fmt: mb,
          }),
        )),
    ...modes.map(
      ([m, r]): Goal => ({ text: `RSS under keep-alive load ≤ 40 MB, ${m} mode`, got: r?.rssLoadMB, op: '≤', limit: 40, fmt: mb }),
    ),
    ...modes.map(
      ([m, r]): Goal => ({ text: `RSS under connection churn ≤ 45 MB, ${m} mode`, got: r?.rssChurnMB, op: '≤', limit: 45, fmt: mb }),
    ),
    ...modes.map(
      ([m, r]): Goal => ({
        text: `anonymous memory under keep-alive load ≤ 20 MB, ${m} mode`,
        got: r?.anonLoadMB,
        op: '≤',
        limit: 20,
        fmt: mb,
      }),
    ),
  ];
}
