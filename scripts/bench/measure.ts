// One repetition of each test against one variant, with the CPU its containers used meanwhile
// (cgroup deltas) and how much of the pod's core went to anything else (other work on the machine).
import type { HandshakeResult } from './handshakes.js';
import type { OpenLoopResult } from './openloop.js';
import type { BenchPod, Variant } from './pod.js';
import { wrk, type WrkResult } from './wrk.js';

export interface Accounting {
  wallS: number;
  /** CPU seconds of the variant's own container (the proxy; for direct, the upstream). */
  proxyCpuS: number;
  upstreamCpuS: number;
  /** Share of the pod's core that was busy with anything outside the pod's containers (0..1). */
  othersOnCore: number;
}

export interface Settings {
  seconds: number;
  conns: number;
  rate: number;
  rateConns: number;
  hsConns: number;
  hsSeconds: number;
}

async function accounted<T>(pod: BenchPod, v: Variant, upstream: string, fn: () => Promise<T>): Promise<{ result: T; acc: Accounting }> {
  const [p0, u0, pod0, core0, t0] = [pod.cpu(v.service), pod.cpu(upstream), pod.podCpu(), pod.coreBusy(), performance.now()];
  const result = await fn();
  const [p1, u1, pod1, core1, t1] = [pod.cpu(v.service), pod.cpu(upstream), pod.podCpu(), pod.coreBusy(), performance.now()];
  const wallS = (t1 - t0) / 1000;
  const others = Math.max(0, core1 - core0 - (pod1 - pod0)) / wallS;
  return {
    result,
    acc: { wallS, proxyCpuS: p1 - p0, upstreamCpuS: v.service === upstream ? 0 : u1 - u0, othersOnCore: Math.min(1, others) },
  };
}

export interface ThroughputRun {
  wrk: WrkResult;
  acc: Accounting;
  rssPeakBytes: number;
  anonPeakBytes: number;
  metricsRssPeakBytes?: number;
}

export async function throughput(pod: BenchPod, v: Variant, upstream: string, s: Settings): Promise<ThroughputRun> {
  const url = `${v.tls ? 'https' : 'http'}://127.0.0.1:${v.port}/1k`;
  let rssPeak = 0,
    anonPeak = 0,
    metricsPeak = 0;
  const sample = () => {
    const m = pod.rss(v.service);
    rssPeak = Math.max(rssPeak, m.rss);
    anonPeak = Math.max(anonPeak, m.anon);
  };
  const scrape = async () => {
    if (v.adminPort) metricsPeak = Math.max(metricsPeak, await pod.metricsRss(v.adminPort).catch(() => 0));
  };
  const timers = [setInterval(sample, 250), setInterval(() => void scrape(), 1000)];
  try {
    const { result, acc } = await accounted(pod, v, upstream, () => wrk(pod.prefix, url, { conns: s.conns, seconds: s.seconds }));
    sample();
    return { wrk: result, acc, rssPeakBytes: rssPeak, anonPeakBytes: anonPeak, metricsRssPeakBytes: v.adminPort ? metricsPeak : undefined };
  } finally {
    timers.forEach(clearInterval);
  }
}

export interface LatencyRun {
  open: OpenLoopResult;
  acc: Accounting;
}

export async function latency(pod: BenchPod, v: Variant, upstream: string, s: Settings): Promise<LatencyRun> {
  const { result, acc } = await accounted(pod, v, upstream, () =>
    pod.loadgen<OpenLoopResult>('openloop', {
      target: pod.target(v),
      rate: s.rate,
      conns: s.rateConns,
      warmupMs: 1000,
      durationMs: s.seconds * 1000,
    }),
  );
  return { open: result, acc };
}

export interface HandshakeRun {
  hs: HandshakeResult;
  acc: Accounting;
}

export async function newConnections(pod: BenchPod, v: Variant, upstream: string, s: Settings): Promise<HandshakeRun> {
  const { result, acc } = await accounted(pod, v, upstream, () =>
    pod.loadgen<HandshakeResult>('handshakes', { target: pod.target(v), conns: s.hsConns, durationMs: s.hsSeconds * 1000 }),
  );
  return { hs: result, acc };
}
