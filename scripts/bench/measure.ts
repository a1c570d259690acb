// One round of each test against one variant, with the CPU its containers used meanwhile (cgroup
// deltas), how much of the pod's core went to anything else (other work on the machine), and the
// container's peak memory under keep-alive load and under connection churn.
import type { HandshakeResult } from './handshakes.js';
import type { OpenLoopResult } from './openloop.js';
import { membersOf, type BenchPod, type Variant } from './pod.js';
import { wrk, type WrkResult } from './wrk.js';

export interface Accounting {
  wallS: number;
  /** CPU seconds of the variant's own container (the proxy; for direct, the upstream; with members, all of them). */
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
  const own = () => membersOf(v).reduce((a, m) => a + pod.cpu(m.service), 0);
  const [p0, u0, pod0, core0, t0] = [own(), pod.cpu(upstream), pod.podCpu(), pod.coreBusy(), performance.now()];
  const result = await fn();
  const [p1, u1, pod1, core1, t1] = [own(), pod.cpu(upstream), pod.podCpu(), pod.coreBusy(), performance.now()];
  const wallS = (t1 - t0) / 1000;
  const others = Math.max(0, core1 - core0 - (pod1 - pod0)) / wallS;
  return {
    result,
    acc: { wallS, proxyCpuS: p1 - p0, upstreamCpuS: v.service === upstream ? 0 : u1 - u0, othersOnCore: Math.min(1, others) },
  };
}

/**
 * Peak memory of the variant's container while a test ran: sampled from /proc every 250 ms, and from the sidecar's
 * /metrics every second. With members (a sidecar pair), the top-level figures are the peaks of their sum, and
 * `members` holds each one's own peaks.
 */
export interface MemoryPeak {
  rssPeakBytes: number;
  anonPeakBytes: number;
  metricsRssPeakBytes?: number;
  members?: Record<string, MemoryPeak>;
}

async function peakMemory<T>(pod: BenchPod, v: Variant, fn: () => Promise<T>): Promise<{ result: T; mem: MemoryPeak }> {
  const ms = membersOf(v);
  const peaks = new Map<string, MemoryPeak>(
    ms.map((m) => [m.service, { rssPeakBytes: 0, anonPeakBytes: 0, metricsRssPeakBytes: m.adminPort ? 0 : undefined }]),
  );
  const total: MemoryPeak = { rssPeakBytes: 0, anonPeakBytes: 0, metricsRssPeakBytes: ms.some((m) => m.adminPort) ? 0 : undefined };
  const sample = () => {
    let rss = 0,
      anon = 0;
    for (const m of ms) {
      const now = pod.rss(m.service);
      const p = peaks.get(m.service)!;
      p.rssPeakBytes = Math.max(p.rssPeakBytes, now.rss);
      p.anonPeakBytes = Math.max(p.anonPeakBytes, now.anon);
      rss += now.rss;
      anon += now.anon;
    }
    total.rssPeakBytes = Math.max(total.rssPeakBytes, rss);
    total.anonPeakBytes = Math.max(total.anonPeakBytes, anon);
  };
  const scrape = async () => {
    if (total.metricsRssPeakBytes === undefined) return;
    const got = await Promise.all(ms.map((m) => (m.adminPort ? pod.metricsRss(m.adminPort).catch(() => 0) : 0)));
    ms.forEach((m, i) => {
      const p = peaks.get(m.service)!;
      if (p.metricsRssPeakBytes !== undefined) p.metricsRssPeakBytes = Math.max(p.metricsRssPeakBytes, got[i]!);
    });
    total.metricsRssPeakBytes = Math.max(
      total.metricsRssPeakBytes!,
      got.reduce((a, b) => a + b, 0),
    );
  };
  const timers = [setInterval(sample, 250), setInterval(() => void scrape(), 1000)];
  try {
    const result = await fn();
    sample();
    return { result, mem: v.members ? { ...total, members: Object.fromEntries(peaks) } : total };
  } finally {
    timers.forEach(clearInterval);
  }
}

export interface ThroughputRun extends MemoryPeak {
  wrk: WrkResult;
  acc: Accounting;
}

export async function throughput(pod: BenchPod, v: Variant, upstream: string, s: Settings): Promise<ThroughputRun> {
  const url = `${v.tls ? 'https' : 'http'}://127.0.0.1:${v.port}/1k`;
  const { result, mem } = await peakMemory(pod, v, () =>
    accounted(pod, v, upstream, () => wrk(pod.prefix, url, { conns: s.conns, seconds: s.seconds })),
  );
  return { wrk: result.result, acc: result.acc, ...mem };
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

/** New connections, with the container's peak memory under that churn (absent in runs saved before it was measured). */
export interface HandshakeRun extends Partial<MemoryPeak> {
  hs: HandshakeResult;
  acc: Accounting;
}

export async function newConnections(pod: BenchPod, v: Variant, upstream: string, s: Settings): Promise<HandshakeRun> {
  const { result, mem } = await peakMemory(pod, v, () =>
    accounted(pod, v, upstream, () =>
      pod.loadgen<HandshakeResult>('handshakes', { target: pod.target(v), conns: s.hsConns, durationMs: s.hsSeconds * 1000 }),
    ),
  );
  return { hs: result.result, acc: result.acc, ...mem };
}
