// The measuring part of a pinned-pod benchmark (bench:https, bench:mesh; driver.ts runs it): idle memory, a warm-up, then rounds:
// each round runs every test against every variant, back to back, so slow drifts of this shared
// machine spread over all variants instead of landing on one, and a ratio of two variants can be taken
// within one round (both measured minutes apart at most).
import { latency, newConnections, throughput, type HandshakeRun, type LatencyRun, type Settings, type ThroughputRun } from './measure.js';
import { membersOf, type BenchPod, type Variant } from './pod.js';
import { step } from '../lib/progress.js';

/** A container's memory after start and one request. */
export interface Idle {
  idleRssBytes?: number;
  idleAnonBytes?: number;
  idleMetricsRssBytes?: number;
}

/** Every round of one variant (index i = round i + 1), and its idle memory (with members: their sum, and each one's). */
export interface Runs extends Idle {
  tp: ThroughputRun[];
  lat: LatencyRun[];
  hs: HandshakeRun[];
  idleMembers?: Record<string, Idle>;
}

/** The sum of the members' figures; undefined when none has one. */
const total = (xs: (number | undefined)[]) => (xs.some((x) => x !== undefined) ? xs.reduce<number>((a, x) => a + (x ?? 0), 0) : undefined);

export async function measureAll(
  pod: BenchPod,
  variants: Variant[],
  upstream: string,
  s: Settings,
  rounds: number,
): Promise<Map<string, Runs>> {
  const runs = new Map<string, Runs>(variants.map((v) => [v.id, { tp: [], lat: [], hs: [] }]));
  for (const v of variants) {
    const r = runs.get(v.id)!;
    const each: Record<string, Idle> = {};
    for (const m of membersOf(v)) {
      const idle = pod.rss(m.service);
      const metrics = m.adminPort ? await pod.metricsRss(m.adminPort) : undefined;
      each[m.service] = { idleRssBytes: idle.rss, idleAnonBytes: idle.anon, idleMetricsRssBytes: metrics };
    }
    const all = Object.values(each);
    r.idleRssBytes = total(all.map((i) => i.idleRssBytes));
    r.idleAnonBytes = total(all.map((i) => i.idleAnonBytes));
    r.idleMetricsRssBytes = total(all.map((i) => i.idleMetricsRssBytes));
    if (v.members) r.idleMembers = each;
  }
  await step('warm-up (2 s of wrk per variant)', async () => {
    for (const v of variants) await throughput(pod, v, upstream, { ...s, seconds: 2 });
  });
  for (let round = 1; round <= rounds; round++) {
    await step(`round ${round}/${rounds}`, async () => {
      for (const v of variants) {
        const r = runs.get(v.id)!;
        const tp = await throughput(pod, v, upstream, s);
        r.tp.push(tp);
        const lat = await latency(pod, v, upstream, s);
        r.lat.push(lat);
        let hs = '';
        if (v.tls) {
          const h = await newConnections(pod, v, upstream, s);
          r.hs.push(h);
          hs = `, ${Math.round(h.hs.perSecond)} new conn/s`;
        }
        console.log(
          `  ${v.id.padEnd(13)} ${Math.round(tp.wrk.perSecond).toString().padStart(6)} req/s, p99 ${lat.open.p99Ms.toFixed(3)} ms at ${s.rate}/s${hs}, core busy elsewhere ${Math.round(tp.acc.othersOnCore * 100)}%`,
        );
      }
    });
  }
  return runs;
}
