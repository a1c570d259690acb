// Turns the repetitions into the reported figures: each a median with min–max over the repetitions.
// Added latency and the ratios are taken per repetition (the variants of one repetition ran back to back).
import type { Variant } from '../../../scripts/bench/pod.js';
import type { Runs } from '../../../scripts/bench/run.js';
import { spread, type Spread } from '../../../scripts/bench/stats.js';

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
  metricsRssIdleMB?: number;
  metricsRssLoadMB?: Spread;
  /** The anonymous (private) part of the RSS; the rest is mapped files, mostly shared libraries. */
  anonIdleMB?: number;
  anonLoadMB: Spread;
  /** p99 of how late the open-loop generator itself sent its requests. */
  generatorLagP99Ms: Spread;
  vsNginx?: Spread;
  vsHaproxy?: Spread;
  /** The same ratios from CPU cost per request (capacityRps): less exposed to other work on the shared core. */
  capacityVsNginx?: Spread;
  capacityVsHaproxy?: Spread;
  errors: number;
  othersOnCore: Spread;
}

const MB = 1024 * 1024;
const diff = (a: number[], b: number[]) => a.map((v, i) => v - (b[i] ?? NaN));
const ratio = (a: number[], b: number[]) => a.map((v, i) => v / (b[i] ?? NaN));

export function summarize(variants: Variant[], runs: Map<string, Runs>, direct: string): Summary[] {
  const tpOf = (id: string) => runs.get(id)?.tp.map((r) => r.wrk.perSecond) ?? [];
  const latOf = (id: string, k: 'p50Ms' | 'p90Ms' | 'p99Ms') => runs.get(id)?.lat.map((r) => r.open[k]) ?? [];
  const capOf = (id: string) => runs.get(id)?.tp.map((t) => t.wrk.requests / (t.acc.proxyCpuS + t.acc.upstreamCpuS)) ?? [];
  return variants.map((v) => {
    const r = runs.get(v.id)!;
    const isOurs = v.id.startsWith('ours');
    const added = (k: 'p50Ms' | 'p90Ms' | 'p99Ms') => (v.id === direct ? undefined : spread(diff(latOf(v.id, k), latOf(direct, k))));
    const hsCpu = r.hs.map((h) => ((h.acc.proxyCpuS + h.acc.upstreamCpuS) * 1000) / Math.max(1, h.hs.completed));
    return {
      id: v.id,
      label: v.label,
      port: v.port,
      tls: v.tls,
      throughputRps: spread(tpOf(v.id)),
      cpuSPer1kAtMax: spread(r.tp.map((t) => (t.acc.proxyCpuS * 1000) / t.wrk.requests)),
      cpuSPer1kAtRate: spread(r.lat.map((l) => (l.acc.proxyCpuS * 1000) / Math.max(1, l.open.sent))),
      upstreamCpuSPer1kAtMax: spread(r.tp.map((t) => (t.acc.upstreamCpuS * 1000) / t.wrk.requests)),
      capacityRps: spread(capOf(v.id)),
      p50Ms: spread(latOf(v.id, 'p50Ms')),
      p90Ms: spread(latOf(v.id, 'p90Ms')),
      p99Ms: spread(latOf(v.id, 'p99Ms')),
      p999Ms: spread(r.lat.map((l) => l.open.p999Ms)),
      addedP50Ms: added('p50Ms'),
      addedP90Ms: added('p90Ms'),
      addedP99Ms: added('p99Ms'),
      handshakesPerS: v.tls ? spread(r.hs.map((h) => h.hs.perSecond)) : undefined,
      cpuMsPerHandshake: v.tls ? spread(hsCpu) : undefined,
      handshakesPerCoreS: v.tls ? spread(hsCpu.map((ms) => 1000 / ms)) : undefined,
      rssIdleMB: r.idleRssBytes === undefined ? undefined : r.idleRssBytes / MB,
      rssLoadMB: spread(r.tp.map((t) => t.rssPeakBytes / MB)),
      anonIdleMB: r.idleAnonBytes === undefined ? undefined : r.idleAnonBytes / MB,
      anonLoadMB: spread(r.tp.map((t) => t.anonPeakBytes / MB)),
      generatorLagP99Ms: spread(r.lat.map((l) => l.open.sendLagP99Ms)),
      metricsRssIdleMB: r.idleMetricsRssBytes === undefined ? undefined : r.idleMetricsRssBytes / MB,
      metricsRssLoadMB: v.adminPort ? spread(r.tp.map((t) => (t.metricsRssPeakBytes ?? NaN) / MB)) : undefined,
      vsNginx: isOurs && runs.has('nginx') ? spread(ratio(tpOf(v.id), tpOf('nginx'))) : undefined,
      vsHaproxy: isOurs && runs.has('haproxy') ? spread(ratio(tpOf(v.id), tpOf('haproxy'))) : undefined,
      capacityVsNginx: isOurs && runs.has('nginx') ? spread(ratio(capOf(v.id), capOf('nginx'))) : undefined,
      capacityVsHaproxy: isOurs && runs.has('haproxy') ? spread(ratio(capOf(v.id), capOf('haproxy'))) : undefined,
      errors:
        r.tp.reduce((a, t) => a + t.wrk.errors, 0) +
        r.lat.reduce((a, l) => a + l.open.errors + l.open.unanswered, 0) +
        r.hs.reduce((a, h) => a + h.hs.errors, 0),
      othersOnCore: spread([...r.tp, ...r.lat, ...r.hs].map((x) => x.acc.othersOnCore)),
    };
  });
}
