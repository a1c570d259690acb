// Turns a pinned-pod bench's rounds (scripts/bench/run.ts) into the reported figures, each a median with
// min–max over the rounds. Every round measures every variant back to back, so added latency (variant −
// direct) and the ratios of one variant to another are taken within each round first, then their median
// and min–max. Each stack's bench adds the figures only it reports (stacks/<stack>/bench/aggregate.ts).
import type { Variant } from './pod.js';
import type { Runs } from './run.js';
import { perRoundDiffs, perRoundRatios, showSpread, spread, type Spread } from './stats.js';

/** The figures every pinned-pod bench reports for a variant. */
export interface CommonSummary {
  id: string;
  label: string;
  throughputRps: Spread;
  /** CPU seconds per 1000 requests of the variant's containers: at maximum throughput, and at the fixed rate. */
  cpuSPer1kAtMax: Spread;
  cpuSPer1kAtRate: Spread;
  upstreamCpuSPer1kAtMax: Spread;
  /** req/s one core would carry at the measured CPU cost of the variant plus its upstream: the same-core-budget view. */
  capacityRps: Spread;
  p50Ms: Spread;
  p90Ms: Spread;
  p99Ms: Spread;
  p999Ms: Spread;
  addedP50Ms?: Spread;
  addedP99Ms?: Spread;
  /** p99 of how late the open-loop generator itself sent its requests. */
  generatorLagP99Ms: Spread;
  /** Non-2xx, socket errors and unanswered requests over every test. */
  errors: number;
  /** Share of the pod's core busy outside the pod during the variant's tests. */
  othersOnCore: Spread;
}

/** One container of a variant's path: its memory, idle (once) and peak under keep-alive load (per round). */
export interface MemberMemory {
  service: string;
  rssIdleMB?: number;
  rssLoadMB: Spread;
  anonLoadMB: Spread;
  metricsRssIdleMB?: number;
  metricsRssLoadMB?: Spread;
}

/** Per-round ratios of a variant to a reference variant (ours / reference). */
export interface Comparison {
  ours: string;
  reference: string;
  throughput: Spread;
  capacity: Spread;
  cpuAtMax: Spread;
  addedP50: Spread;
  addedP99: Spread;
}

export type Percentile = 'p50Ms' | 'p90Ms' | 'p99Ms';

export const MB = 1024 * 1024;
/** Bytes as MB; NaN (left out of a spread) when not measured. */
export const toMB = (b: number | undefined) => (b ?? NaN) / MB;
/** Bytes as MB; undefined when not measured. */
export const optMB = (b: number | undefined) => (b === undefined ? undefined : b / MB);

/** Per-round figures of one variant, by id; empty when the variant was not run. */
export function series(runs: Map<string, Runs>, direct: string) {
  const r = (id: string) => runs.get(id);
  const lat = (id: string, k: Percentile) => r(id)?.lat.map((l) => l.open[k]) ?? [];
  return {
    tp: (id: string) => r(id)?.tp.map((t) => t.wrk.perSecond) ?? [],
    capacity: (id: string) => r(id)?.tp.map((t) => t.wrk.requests / (t.acc.proxyCpuS + t.acc.upstreamCpuS)) ?? [],
    cpuAtMax: (id: string) => r(id)?.tp.map((t) => (t.acc.proxyCpuS * 1000) / t.wrk.requests) ?? [],
    hsCpuMs: (id: string) => r(id)?.hs.map((h) => ((h.acc.proxyCpuS + h.acc.upstreamCpuS) * 1000) / Math.max(1, h.hs.completed)) ?? [],
    lat,
    /** This variant minus direct, per round; undefined for direct itself. */
    added: (id: string, k: Percentile) => (id === direct ? undefined : spread(perRoundDiffs(lat(id, k), lat(direct, k)))),
  };
}

/** The median and min–max of per-round ratios of `id` to `ref`; undefined when either was not run. */
export function ratioSpread(runs: Map<string, Runs>, f: (id: string) => number[], id: string, ref: string | undefined): Spread | undefined {
  return ref && runs.has(id) && runs.has(ref) ? spread(perRoundRatios(f(id), f(ref))) : undefined;
}

/** The figures every bench reports for variant `v` (which must have run), added latency against `direct`. */
export function common(v: Variant, runs: Map<string, Runs>, direct: string): CommonSummary {
  const s = series(runs, direct);
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
    p90Ms: spread(s.lat(v.id, 'p90Ms')),
    p99Ms: spread(s.lat(v.id, 'p99Ms')),
    p999Ms: spread(r.lat.map((l) => l.open.p999Ms)),
    addedP50Ms: s.added(v.id, 'p50Ms'),
    addedP99Ms: s.added(v.id, 'p99Ms'),
    generatorLagP99Ms: spread(r.lat.map((l) => l.open.sendLagP99Ms)),
    errors:
      r.tp.reduce((a, t) => a + t.wrk.errors, 0) +
      r.lat.reduce((a, l) => a + l.open.errors + l.open.unanswered, 0) +
      r.hs.reduce((a, h) => a + h.hs.errors, 0),
    othersOnCore: spread([...r.tp, ...r.lat, ...r.hs].map((x) => x.acc.othersOnCore)),
  };
}

/** Each container's own memory on variant `v`'s path (a variant without members: its one service). */
export function memberMemory(v: Variant, r: Runs): MemberMemory[] {
  const ms = v.members ?? [{ service: v.service, adminPort: v.adminPort }];
  return ms.map((m) => {
    const idle = v.members ? r.idleMembers?.[m.service] : r;
    const peak = (t: Runs['tp'][number]) => (v.members ? t.members?.[m.service] : t);
    return {
      service: m.service,
      rssIdleMB: optMB(idle?.idleRssBytes),
      rssLoadMB: spread(r.tp.map((t) => toMB(peak(t)?.rssPeakBytes))),
      anonLoadMB: spread(r.tp.map((t) => toMB(peak(t)?.anonPeakBytes))),
      metricsRssIdleMB: optMB(idle?.idleMetricsRssBytes),
      metricsRssLoadMB: m.adminPort ? spread(r.tp.map((t) => toMB(peak(t)?.metricsRssPeakBytes))) : undefined,
    };
  });
}

/** `ours` / `reference` within each round; undefined when either was not run. */
export function compare(runs: Map<string, Runs>, ours: string, reference: string, direct: string): Comparison | undefined {
  if (!runs.has(ours) || !runs.has(reference)) return undefined;
  const s = series(runs, direct);
  const ratio = (f: (id: string) => number[]) => spread(perRoundRatios(f(ours), f(reference)));
  // A round where the reference added nothing measurable (≤ 0: within the noise of direct) has no ratio.
  const added = (id: string, k: Percentile) => s.added(id, k)?.runs ?? [];
  const addedRatio = (k: Percentile) =>
    spread(
      perRoundRatios(
        added(ours, k),
        added(reference, k).map((x) => (x > 0 ? x : NaN)),
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

/** The line every pinned-pod report ends with: each variant's errors, and how busy its core was outside the pod. */
export function errorsLine(rows: CommonSummary[]): string {
  const busy = (r: CommonSummary) => showSpread(r.othersOnCore, (v) => `${Math.round(v * 100)}%`);
  return `Errors (non-2xx, socket errors, unanswered): ${rows.map((r) => `${r.id} ${r.errors}`).join(', ')}. Share of the pod's core busy outside the pod during the runs (other work on this shared machine, and kernel time not charged to a container): ${rows.map((r) => `${r.id} ${busy(r)}`).join(', ')}.`;
}
