// Turns the rounds into the reported figures: each a median with min–max over the rounds. Every round
// measures every variant back to back (scripts/bench/run.ts), so added latency and the ratios of the
// sidecar to its references are taken within each round first (ours / reference in the same round),
// and the median and min–max are those of the per-round figures.
import type { Variant } from '../../../scripts/bench/pod.js';
import type { Runs } from '../../../scripts/bench/run.js';
import { perRoundDiffs, perRoundRatios, spread, type Spread } from '../../../scripts/bench/stats.js';

/** The references a variant is compared with, by variant id (setup.ts's REFERENCES: the same layer's nginx and HAProxy). */
export type References = Record<string, { nginx: string; haproxy: string }>;

export interface Summary {
  id: string;
  label: string;
  port: number;
  tls: boolean;
  throughputRps: Spread;
  /** CPU seconds of the variant's container per 1000 requests: at maximum throughput, and at the fixed rate. */
  cpuSPer1kAtMax: Spread;
  cpuSPer1kAtRate: Spread;
  upstreamCpuSPer1kAtMax: Spread;
  /** req/s one core would carry at the measured CPU cost of proxy plus upstream: the same-core-budget view. */
  capacityRps: Spread;
  p50Ms: Spread;
  p90Ms: Spread;
  p99Ms: Spread;
  p999Ms: Spread;
  addedP50Ms?: Spread;
  addedP90Ms?: Spread;
  addedP99Ms?: Spread;
  handshakesPerS?: Spread;
  /** Proxy plus upstream CPU per new connection, and the rate one core would sustain at that cost. */
  cpuMsPerHandshake?: Spread;
  handshakesPerCoreS?: Spread;
  rssIdleMB?: number;
  rssLoadMB: Spread;
  /** Peak RSS during the new-connections test (connection churn); n/a in runs saved before it was measured. */
  rssChurnMB?: Spread;
  metricsRssIdleMB?: number;
  metricsRssLoadMB?: Spread;
  metricsRssChurnMB?: Spread;
  /** The anonymous (private) part of the RSS; the rest is mapped files, mostly shared libraries. */
  anonIdleMB?: number;
  anonLoadMB: Spread;
  anonChurnMB?: Spread;
  /** p99 of how late the open-loop generator itself sent its requests. */
  generatorLagP99Ms: Spread;
  /** The labels of the references this variant's ratios are against (the sidecar's rows only). */
  refs?: { nginx?: string; haproxy?: string };
  /** Per-round throughput ratios to the same layer's nginx and HAProxy. */
  vsNginx?: Spread;
  vsHaproxy?: Spread;
  /** The same ratios from CPU cost per request (capacityRps): less exposed to other work on the shared core. */
  capacityVsNginx?: Spread;
  capacityVsHaproxy?: Spread;
  /** Per-round ratios of CPU per new full TLS handshake (ours / reference: below 1 is cheaper). */
  hsCpuVsNginx?: Spread;
  hsCpuVsHaproxy?: Spread;
  errors: number;
  othersOnCore: Spread;
}

const MB = 1024 * 1024;

/** Per-round figures of one variant, by id; empty when the variant was not run. */
export function series(runs: Map<string, Runs>) {
  const r = (id: string) => runs.get(id);
  return {
    tp: (id: string) => r(id)?.tp.map((t) => t.wrk.perSecond) ?? [],
    capacity: (id: string) => r(id)?.tp.map((t) => t.wrk.requests / (t.acc.proxyCpuS + t.acc.upstreamCpuS)) ?? [],
    lat: (id: string, k: 'p50Ms' | 'p90Ms' | 'p99Ms') => r(id)?.lat.map((l) => l.open[k]) ?? [],
    hsCpuMs: (id: string) => r(id)?.hs.map((h) => ((h.acc.proxyCpuS + h.acc.upstreamCpuS) * 1000) / Math.max(1, h.hs.completed)) ?? [],
  };
}

/** The median and min–max of per-round ratios of `id` to `ref`; undefined when either was not run. */
export function ratioSpread(runs: Map<string, Runs>, f: (id: string) => number[], id: string, ref: string | undefined): Spread | undefined {
  return ref && runs.has(id) && runs.has(ref) ? spread(perRoundRatios(f(id), f(ref))) : undefined;
}

export function summarize(variants: Variant[], runs: Map<string, Runs>, direct: string, refs: References = {}): Summary[] {
  const s = series(runs);
  const label = (id: string) => variants.find((v) => v.id === id)?.label ?? `${id} (not run)`;
  return variants.map((v) => {
    const r = runs.get(v.id)!;
    const ref = refs[v.id];
    const added = (k: 'p50Ms' | 'p90Ms' | 'p99Ms') =>
      v.id === direct ? undefined : spread(perRoundDiffs(s.lat(v.id, k), s.lat(direct, k)));
    const hsCpu = s.hsCpuMs(v.id);
    const mb = (b: number | undefined) => (b ?? NaN) / MB;
    return {
      id: v.id,
      label: v.label,
      port: v.port,
      tls: v.tls,
      throughputRps: spread(s.tp(v.id)),
      cpuSPer1kAtMax: spread(r.tp.map((t) => (t.acc.proxyCpuS * 1000) / t.wrk.requests)),
      cpuSPer1kAtRate: spread(r.lat.map((l) => (l.acc.proxyCpuS * 1000) / Math.max(1, l.open.sent))),
      upstreamCpuSPer1kAtMax: spread(r.tp.map((t) => (t.acc.upstreamCpuS * 1000) / t.wrk.requests)),
      capacityRps: spread(s.capacity(v.id)),
      p50Ms: spread(s.lat(v.id, 'p50Ms')),
      p90Ms: spread(s.lat(v.id, 'p90Ms')),
      p99Ms: spread(s.lat(v.id, 'p99Ms')),
      p999Ms: spread(r.lat.map((l) => l.open.p999Ms)),
      addedP50Ms: added('p50Ms'),
      addedP90Ms: added('p90Ms'),
      addedP99Ms: added('p99Ms'),
      handshakesPerS: v.tls ? spread(r.hs.map((h) => h.hs.perSecond)) : undefined,
      cpuMsPerHandshake: v.tls ? spread(hsCpu) : undefined,
      handshakesPerCoreS: v.tls ? spread(hsCpu.map((ms) => 1000 / ms)) : undefined,
      rssIdleMB: r.idleRssBytes === undefined ? undefined : r.idleRssBytes / MB,
      rssLoadMB: spread(r.tp.map((t) => t.rssPeakBytes / MB)),
      rssChurnMB: v.tls ? spread(r.hs.map((h) => mb(h.rssPeakBytes))) : undefined,
      anonIdleMB: r.idleAnonBytes === undefined ? undefined : r.idleAnonBytes / MB,
      anonLoadMB: spread(r.tp.map((t) => t.anonPeakBytes / MB)),
      anonChurnMB: v.tls ? spread(r.hs.map((h) => mb(h.anonPeakBytes))) : undefined,
      generatorLagP99Ms: spread(r.lat.map((l) => l.open.sendLagP99Ms)),
      metricsRssIdleMB: r.idleMetricsRssBytes === undefined ? undefined : r.idleMetricsRssBytes / MB,
      metricsRssLoadMB: v.adminPort ? spread(r.tp.map((t) => mb(t.metricsRssPeakBytes))) : undefined,
      metricsRssChurnMB: v.adminPort ? spread(r.hs.map((h) => mb(h.metricsRssPeakBytes))) : undefined,
      refs: ref ? { nginx: label(ref.nginx), haproxy: label(ref.haproxy) } : undefined,
      vsNginx: ratioSpread(runs, s.tp, v.id, ref?.nginx),
      vsHaproxy: ratioSpread(runs, s.tp, v.id, ref?.haproxy),
      capacityVsNginx: ratioSpread(runs, s.capacity, v.id, ref?.nginx),
      capacityVsHaproxy: ratioSpread(runs, s.capacity, v.id, ref?.haproxy),
      hsCpuVsNginx: ratioSpread(runs, s.hsCpuMs, v.id, ref?.nginx),
      hsCpuVsHaproxy: ratioSpread(runs, s.hsCpuMs, v.id, ref?.haproxy),
      errors:
        r.tp.reduce((a, t) => a + t.wrk.errors, 0) +
        r.lat.reduce((a, l) => a + l.open.errors + l.open.unanswered, 0) +
        r.hs.reduce((a, h) => a + h.hs.errors, 0),
      othersOnCore: spread([...r.tp, ...r.lat, ...r.hs].map((x) => x.acc.othersOnCore)),
    };
  });
}
