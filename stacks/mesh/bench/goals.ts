// Issue 11's goals for the mesh-proxy pair, evaluated on a run's summaries (measured, never tests: met or
// not by the median over the rounds, scripts/bench/goals.ts).
import { goalUnits, type Goal } from '../../../scripts/bench/goals.js';
import type { Comparison } from '../../../scripts/bench/aggregate.js';
import type { Summary } from './aggregate.js';
import { ROLE } from './setup.js';

const SIDECARS = ['mesh-out', 'mesh-in'];

const { x2, ms, mb } = goalUnits;

/** Issue 11: added p99 ≤ 1.2× HAProxy's and ≤ 1 ms; throughput ≥ 0.8× HAProxy; each sidecar's RSS ≤ 60 MB under load. */
export function goalsOf(rows: Summary[], vs: Comparison | undefined, ours = 'ours'): Goal[] {
  const r = rows.find((x) => x.id === ours);
  return [
    { text: "added p99 at 1000 req/s ≤ 1.2× the HAProxy pair's", got: vs?.addedP99, op: '≤', limit: 1.2, fmt: x2 },
    { text: 'added p99 at 1000 req/s ≤ 1 ms', got: r?.addedP99Ms, op: '≤', limit: 1, fmt: ms },
    { text: 'maximum throughput ≥ 0.8× the HAProxy pair', got: vs?.throughput, op: '≥', limit: 0.8, fmt: x2, alt: vs?.capacity },
    ...SIDECARS.map(
      (s): Goal => ({
        text: `sidecar RSS under load ≤ 60 MB, ${ROLE[s]}`,
        got: r?.members.find((m) => m.service === s)?.rssLoadMB,
        op: '≤',
        limit: 60,
        fmt: mb,
      }),
    ),
  ];
}
