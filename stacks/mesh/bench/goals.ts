// Issue 28's goals for the mesh-proxy pair, evaluated on a run's summaries (measured, never tests: met or
// not by the median over the rounds, scripts/bench/goals.ts).
import { goalUnits, type Goal } from '../../../scripts/bench/goals.js';
import type { Comparison } from '../../../scripts/bench/aggregate.js';
import type { Summary } from './aggregate.js';
import { ROLE } from './setup.js';

const SIDECARS = ['mesh-out', 'mesh-in'];

const { x2, ms, mb } = goalUnits;

/**
 * Issue 28: added p99 ≤ 1 ms (its ratio to the HAProxy pair's is in the table, not a goal: HAProxy's own
 * p99 varies from run to run); throughput ≥ 0.8× HAProxy; each sidecar's RSS ≤ 40 MB under load.
 */
export function goalsOf(rows: Summary[], vs: Comparison | undefined, ours = 'ours'): Goal[] {
  const r = rows.find((x) => x.id === ours);
  return [
    { text: 'added p99 at 1000 req/s ≤ 1 ms', got: r?.addedP99Ms, op: '≤', limit: 1, fmt: ms },
    { text: 'maximum throughput ≥ 0.8× the HAProxy pair', got: vs?.throughput, op: '≥', limit: 0.8, fmt: x2, alt: vs?.capacity },
    ...SIDECARS.map(
      (s): Goal => ({
        text: `sidecar RSS under load ≤ 40 MB, ${ROLE[s]}`,
        got: r?.members.find((m) => m.service === s)?.rssLoadMB,
        op: '≤',
        limit: 40,
        fmt: mb,
      }),
    ),
  ];
}
