// What bench:https reports beyond the common figures (scripts/bench/aggregate.ts): new TLS connections, the
// container's memory under keep-alive and under connection churn, and the ratios of each sidecar mode to the
// nginx and HAProxy of its own layer, each taken within a round (ours / reference in the same round).
import { common, optMB, ratioSpread, series, toMB, type CommonSummary } from '../../../scripts/bench/aggregate.js';
import type { Variant } from '../../../scripts/bench/pod.js';
import type { Runs } from '../../../scripts/bench/run.js';
import { spread, type Spread } from '../../../scripts/bench/stats.js';

/** The references a variant is compared with, by variant id (setup.ts's REFERENCES: the same layer's nginx and HAProxy). */
export type References = Record<string, { nginx: string; haproxy: string }>;

export interface Summary extends CommonSummary {
  port: number;
  tls: boolean;
  addedP90Ms?: Spread;
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
}

export function summarize(variants: Variant[], runs: Map<string, Runs>, direct: string, refs: References = {}): Summary[] {
  const s = series(runs, direct);
  const label = (id: string) => variants.find((v) => v.id === id)?.label ?? `${id} (not run)`;
  return variants.map((v) => {
    const r = runs.get(v.id)!;
    const ref = refs[v.id];
    const hsCpu = s.hsCpuMs(v.id);
    return {
      ...common(v, runs, direct),
      port: v.port,
      tls: v.tls,
      addedP90Ms: s.added(v.id, 'p90Ms'),
      handshakesPerS: v.tls ? spread(r.hs.map((h) => h.hs.perSecond)) : undefined,
      cpuMsPerHandshake: v.tls ? spread(hsCpu) : undefined,
      handshakesPerCoreS: v.tls ? spread(hsCpu.map((ms) => 1000 / ms)) : undefined,
      rssIdleMB: optMB(r.idleRssBytes),
      rssLoadMB: spread(r.tp.map((t) => toMB(t.rssPeakBytes))),
      rssChurnMB: v.tls ? spread(r.hs.map((h) => toMB(h.rssPeakBytes))) : undefined,
      anonIdleMB: optMB(r.idleAnonBytes),
      anonLoadMB: spread(r.tp.map((t) => toMB(t.anonPeakBytes))),
      anonChurnMB: v.tls ? spread(r.hs.map((h) => toMB(h.anonPeakBytes))) : undefined,
      metricsRssIdleMB: optMB(r.idleMetricsRssBytes),
      metricsRssLoadMB: v.adminPort ? spread(r.tp.map((t) => toMB(t.metricsRssPeakBytes))) : undefined,
      metricsRssChurnMB: v.adminPort ? spread(r.hs.map((h) => toMB(h.metricsRssPeakBytes))) : undefined,
      refs: ref ? { nginx: label(ref.nginx), haproxy: label(ref.haproxy) } : undefined,
      vsNginx: ratioSpread(runs, s.tp, v.id, ref?.nginx),
      vsHaproxy: ratioSpread(runs, s.tp, v.id, ref?.haproxy),
      capacityVsNginx: ratioSpread(runs, s.capacity, v.id, ref?.nginx),
      capacityVsHaproxy: ratioSpread(runs, s.capacity, v.id, ref?.haproxy),
      hsCpuVsNginx: ratioSpread(runs, s.hsCpuMs, v.id, ref?.nginx),
      hsCpuVsHaproxy: ratioSpread(runs, s.hsCpuMs, v.id, ref?.haproxy),
    };
  });
}
