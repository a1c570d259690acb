// The bench:https section of docs/benchmarks.md, from the summaries: goals (goals.ts), throughput, latency,
// new connections and memory, after the conditions block every bench states (scripts/bench/conditions.ts).
import { errorsLine } from '../../../scripts/bench/aggregate.js';
import type { Conditions } from '../../../scripts/bench/conditions.js';
import type { Settings } from '../../../scripts/bench/measure.js';
import { renderSection, type Section } from '../../../scripts/bench/section.js';
import { f3, mb, n0, opt, showSpread, type Spread, x2 } from '../../../scripts/bench/stats.js';
import type { Summary } from './aggregate.js';
import { goalsOf, goalTable } from './goals.js';

export const SECTION: Section = {
  id: 'https',
  title: 'the TLS sidecar beside nginx and HAProxy',
  source: 'stacks/https/bench.ts',
  intro: "Run it with `npm run bench:https` (as root: the load generator enters the bench pod's network namespace).",
};

/** What docs/bench-https.json keeps of the conditions: the common block and the settings the tables name (reps: the rounds). */
export type HttpsConditions = Conditions & Settings & { reps: number; floorIdleRssMB?: number };

/** Conditions as bench:https saved them before the common block: the load inside the machine line, and wallMinutes. */
interface SavedBefore extends Settings {
  reps: number;
  date: string;
  machine: string;
  wallMinutes: number;
  pinning: string;
  upstream: string;
  loadGenerator: string;
  versions: Record<string, string>;
}

/** Saved conditions (of any version of docs/bench-https.json) in today's shape, for --render. */
export function fromSaved(saved: unknown): HttpsConditions {
  const c = saved as HttpsConditions | SavedBefore;
  if (!('wallMinutes' in c)) return c;
  const m = /^(.*); 1-minute load average ([\d.]+) at the start, ([\d.]+) at the end/.exec(c.machine);
  return {
    date: c.date,
    minutes: c.wallMinutes,
    machine: m?.[1] ?? c.machine,
    load: { start: Number(m?.[2]), end: Number(m?.[3]) },
    versions: c.versions,
    notes: [`Pinning: ${c.pinning}`, `Upstream: ${c.upstream}`, `Load generators: ${c.loadGenerator}`],
    reps: c.reps,
    seconds: c.seconds,
    conns: c.conns,
    rate: c.rate,
    rateConns: c.rateConns,
    hsConns: c.hsConns,
    hsSeconds: c.hsSeconds,
  };
}

const s = (sp: Spread | undefined, f: (v: number) => string) => showSpread(sp, f);

export function markdown(rows: Summary[], c: HttpsConditions): string {
  const tls = rows.filter((x) => x.tls);
  const out: string[] = [
    '**Goals** (issues 10 and 28; measured, not tests; met or not by the median):',
    '',
    ...goalTable(goalsOf(rows, c.floorIdleRssMB)),
    '',
  ];
  out.push(
    `**Ratios.** Every round measures every variant back to back, and each ratio is taken within a round: the sidecar's figure over the reference's figure of the same round. The tables give the median of those per-round ratios with their min–max, all ${c.reps} rounds of this one run side by side. Each mode is compared with the references of its own layer: ${rows
      .filter((r) => r.refs)
      .map((r) => `${r.label} with ${r.refs?.nginx ?? 'n/a'} and ${r.refs?.haproxy ?? 'n/a'}`)
      .join('; ')}.`,
    '',
    `**Throughput with keep-alive** (wrk, ${c.conns} connections, ${c.seconds} s). CPU is the cgroup time of the variant's container (for direct: the upstream's). "Per core" is what one core carries at that CPU cost of proxy plus upstream: the same-core-budget comparison, less exposed than req/s to other work on the shared core.`,
    '',
    '| variant | req/s | ours / nginx (same layer) | ours / HAProxy (same layer) | CPU s per 1000 req | upstream CPU s per 1000 req | req/s per core | per core: ours / nginx | per core: ours / HAProxy |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const r of rows)
    out.push(
      `| ${r.label} | ${s(r.throughputRps, n0)} | ${s(r.vsNginx, x2)} | ${s(r.vsHaproxy, x2)} | ${s(r.cpuSPer1kAtMax, f3)} | ${r.id.startsWith('direct') ? '(itself)' : s(r.upstreamCpuSPer1kAtMax, f3)} | ${r.id === 'direct-python' ? 'n/a (not CPU-bound)' : s(r.capacityRps, n0)} | ${s(r.capacityVsNginx, x2)} | ${s(r.capacityVsHaproxy, x2)} |`,
    );
  out.push(
    '',
    `**Latency at a fixed ${c.rate} req/s over ${c.rateConns} connections** (open loop, ${c.seconds} s after 1 s warm-up; ms from each request's scheduled send time). Added = this variant minus direct, per round.`,
    '',
    '| variant | p50 | p90 | p99 | p99.9 | added p50 | added p90 | added p99 | CPU s per 1000 req | generator lag p99 |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const r of rows)
    out.push(
      `| ${r.label} | ${s(r.p50Ms, f3)} | ${s(r.p90Ms, f3)} | ${s(r.p99Ms, f3)} | ${s(r.p999Ms, f3)} | ${s(r.addedP50Ms, f3)} | ${s(r.addedP90Ms, f3)} | ${s(r.addedP99Ms, f3)} | ${s(r.cpuSPer1kAtRate, f3)} | ${s(r.generatorLagP99Ms, f3)} |`,
    );
  out.push(
    '',
    `**New TLS connections without keep-alive** (${c.hsConns} clients in a closed loop, ${c.hsSeconds} s, one GET with Connection: close each; every handshake a full TLS 1.3 one). The measured rate is bounded by the one-core client as well; "per core" divides a core by the proxy's plus upstream's CPU per connection. The ratios are of CPU per connection (below 1: cheaper than the reference).`,
    '',
    '| variant | new connections/s | CPU ms per connection | CPU: ours / nginx (same layer) | CPU: ours / HAProxy (same layer) | → connections/s per core |',
    '| --- | --- | --- | --- | --- | --- |',
  );
  for (const r of tls)
    out.push(
      `| ${r.label} | ${s(r.handshakesPerS, n0)} | ${s(r.cpuMsPerHandshake, f3)} | ${s(r.hsCpuVsNginx, x2)} | ${s(r.hsCpuVsHaproxy, x2)} | ${s(r.handshakesPerCoreS, n0)} |`,
    );
  out.push(
    '',
    "**Memory** (resident set of the container's processes from /proc; for the sidecar also process_resident_memory_bytes from its /metrics; anonymous = the private part, the rest is mapped files, mostly shared libraries). Idle: after start and one request; keep-alive: peak during the throughput runs; churn: peak during the new-connections runs.",
    '',
    '| variant | RSS idle MB | RSS keep-alive MB | RSS churn MB | /metrics RSS idle MB | /metrics keep-alive MB | /metrics churn MB | anonymous idle MB | anonymous keep-alive MB | anonymous churn MB |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const r of tls)
    out.push(
      `| ${r.label} | ${opt(r.rssIdleMB)} | ${s(r.rssLoadMB, mb)} | ${s(r.rssChurnMB, mb)} | ${opt(r.metricsRssIdleMB)} | ${s(r.metricsRssLoadMB, mb)} | ${s(r.metricsRssChurnMB, mb)} | ${opt(r.anonIdleMB)} | ${s(r.anonLoadMB, mb)} | ${s(r.anonChurnMB, mb)} |`,
    );
  out.push('', errorsLine(rows));
  return renderSection({ lead: `Each figure: median of ${c.reps} rounds (min–max).`, conditions: c, results: out });
}
