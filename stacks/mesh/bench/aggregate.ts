// Turns bench:mesh's rounds into the reported figures, each a median with min–max over the rounds. Every round
// measures every variant back to back (scripts/bench/run.ts), so added latency (pair − direct) and the ratios of
// the mesh-proxy pair to the HAProxy pair are taken within each round first, then their median and min–max.
import type { Variant } from '../../../scripts/bench/pod.js';
import type { Runs } from '../../../scripts/bench/run.js';
import { perRoundDiffs, perRoundRatios, spread, type Spread } from '../../../scripts/bench/stats.js';

/** One container of a pair: its memory, idle (once) and peak under keep-alive load (per round). */
export interface MemberMemory {
  service: string;
  rssIdleMB?: number;
  rssLoadMB: Spread;
  anonLoadMB: Spread;
  metricsRssIdleMB?: number;
  metricsRssLoadMB?: Spread;
}

export interface Summary {
  id: string;
  label: string;
  throughputRps: Spread;
  /** CPU seconds per 1000 requests of the variant's containers (both of a pair; for direct, the app): at maximum throughput and at the fixed rate. */
  cpuSPer1kAtMax: Spread;
  cpuSPer1kAtRate: Spread;
  upstreamCpuSPer1kAtMax: Spread;
  /** req/s one core would carry at the measured CPU cost of the pair plus the app. */
  capacityRps: Spread;
  p50Ms: Spread;
  p90Ms: Spread;
  p99Ms: Spread;
  p999Ms: Spread;
  addedP50Ms?: Spread;
  addedP99Ms?: Spread;
  generatorLagP99Ms: Spread;
  members: MemberMemory[];
  errors: number;
  othersOnCore: Spread;
}

/** Per-round ratios of the pair under test to the reference pair (ours / reference). */
export interface Comparison {
  ours: string;
  reference: string;
  throughput: Spread;
  capacity: Spread;
  cpuAtMax: Spread;
  addedP50: Spread;
  addedP99: Spread;
}

const MB = 1024 * 1024;
const mb = (b: number | undefined) => (b ?? NaN) / MB;
const optMB = (b: number | undefined) => (b === undefined ? undefined : b / MB);

/** Per-round figures of one variant, by id; empty when the variant was not run. */
export function series(runs: Map<string, Runs>, direct: string) {
  const r = (id: string) => runs.get(id);
  const lat = (id: string, k: 'p50Ms' | 'p99Ms') => r(id)?.lat.map((l) => l.open[k]) ?? [];
  return {
    tp: (id: string) => r(id)?.tp.map((t) => t.wrk.perSecond) ?? [],
    capacity: (id: string) => r(id)?.tp.map((t) => t.wrk.requests / (t.acc.proxyCpuS + t.acc.upstreamCpuS)) ?? [],
    cpuAtMax: (id: string) => r(id)?.tp.map((t) => (t.acc.proxyCpuS * 1000) / t.wrk.requests) ?? [],
    lat,
    added: (id: string, k: 'p50Ms' | 'p99Ms') => perRoundDiffs(lat(id, k), lat(direct, k)),
  };
}

function memory(v: Variant, r: Runs): MemberMemory[] {
  const ms = v.members ?? [{ service: v.service, adminPort: v.adminPort }];
  return ms.map((m) => {
    const idle = v.members ? r.idleMembers?.[m.service] : r;
    const peak = (t: Runs['tp'][number]) => (v.members ? t.members?.[m.service] : t);
    return {
      service: m.service,
      rssIdleMB: optMB(idle?.idleRssBytes),
      rssLoadMB: spread(r.tp.map((t) => mb(peak(t)?.rssPeakBytes))),
      anonLoadMB: spread(r.tp.map((t) => mb(peak(t)?.anonPeakBytes))),
      metricsRssIdleMB: optMB(idle?.idleMetricsRssBytes),
      metricsRssLoadMB: m.adminPort ? spread(r.tp.map((t) => mb(peak(t)?.metricsRssPeakBytes))) : undefined,
    };
  });
}

export function summarize(variants: Variant[], runs: Map<string, Runs>, direct: string): Summary[] {
  const s = series(runs, direct);
  return variants
    .filter((v) => runs.has(v.id))
    .map((v) => {
      const r = runs.get(v.id)!;
      return {
        id: v.id,
        label: v.label,
        throughputRps: spread(s.tp(v.id)),
        cpuSPer1kAtMax: spread(s.cpuAtMax(v.id)),
        cpuSPer1kAtRate: spread(r.lat.map((l) => (l.acc.proxyCpuS * 1000) / Math.max(1, l.open.sent))),
        upstreamCpuSPer1kAtMax: spread(r.tp.map((t) => (t.acc.upstreamCpuS * 1000) / t.wrk.requests)),
        capacityRps: spread(s.capacity(v.id)),
        p50Ms: spread(s.lat(v.id, 'p50Ms')),
        p90Ms: spread(r.lat.map((l) => l.open.p90Ms)),
        p99Ms: spread(s.lat(v.id, 'p99Ms')),
        p999Ms: spread(r.lat.map((l) => l.open.p999Ms)),
        addedP50Ms: v.id === direct ? undefined : spread(s.added(v.id, 'p50Ms')),
        addedP99Ms: v.id === direct ? undefined : spread(s.added(v.id, 'p99Ms')),
        generatorLagP99Ms: spread(r.lat.map((l) => l.open.sendLagP99Ms)),
        members: memory(v, r),
        errors: r.tp.reduce((a, t) => a + t.wrk.errors, 0) + r.lat.reduce((a, l) => a + l.open.errors + l.open.unanswered, 0),
        othersOnCore: spread([...r.tp, ...r.lat].map((x) => x.acc.othersOnCore)),
      };
    });
}

/** ours / reference within each round; undefined when either pair was not run. */
export function compare(runs: Map<string, Runs>, ours: string, reference: string, direct: string): Comparison | undefined {
  if (!runs.has(ours) || !runs.has(reference)) return undefined;
  const s = series(runs, direct);
  const ratio = (f: (id: string) => number[]) => spread(perRoundRatios(f(ours), f(reference)));
  // A round where the reference added nothing measurable (≤ 0: within the noise of direct) has no ratio.
  const addedRatio = (k: 'p50Ms' | 'p99Ms') =>
    spread(
      perRoundRatios(
        s.added(ours, k),
        s.added(reference, k).map((x) => (x > 0 ? x : NaN)),
      ),
    );
  return {
    ours,
    reference,
    throughput: ratio(s.tp),
    capacity: ratio(s.capacity),
    cpuAtMax: ratio(s.cpuAtMax),
    addedP50: addedRatio('p50Ms'),
    addedP99: addedRatio('p99Ms'),
  };
}
