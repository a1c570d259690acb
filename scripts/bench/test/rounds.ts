// Made-up rounds for the aggregation and report tests of the pinned-pod benches (stacks/*/bench/test/):
// one wrk run, one open-loop run and the CPU accounting of a test, with only the figures a test varies given.
import type { Accounting, LatencyRun, MemoryPeak, ThroughputRun } from '../measure.js';
import type { OpenLoopResult } from '../openloop.js';

export const MB = 1024 * 1024;

/** A test's accounting over 1 s: the variant's CPU, its upstream's, and the share of the core busy elsewhere. */
export const acc = (proxyCpuS: number, upstreamCpuS = 0, othersOnCore = 0): Accounting => ({
  wallS: 1,
  proxyCpuS,
  upstreamCpuS,
  othersOnCore,
});

/** A keep-alive throughput round: `rps` requests in 1 s, no error, at these memory peaks. */
export const tpRound = (rps: number, a: Accounting, peak: MemoryPeak): ThroughputRun => ({
  wrk: { requests: rps, seconds: 1, perSecond: rps, errors: 0, p50Ms: 1, p99Ms: 2 },
  acc: a,
  ...peak,
});

/** An open-loop round at 1000 req/s over 16 connections, every request answered, with these percentiles (ms). */
export const latRound = (p: Partial<OpenLoopResult>, a: Accounting): LatencyRun => ({
  open: {
    ...{ rate: 1000, conns: 16, sent: 1000, measured: 1000, errors: 0, unanswered: 0 },
    ...{ p50Ms: 0.1, p90Ms: 0.2, p99Ms: 1, p999Ms: 2, maxMs: 3, sendLagP99Ms: 0.1 },
    ...p,
  },
  acc: a,
});
