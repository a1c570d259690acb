// The bench:mesh section of docs/benchmarks.md: goals (goals.ts), the two pairs side by side with their per-round
// ratios, latency in detail and each sidecar's memory, after the conditions block every bench states.
import { compare, errorsLine, type Comparison } from '../../../scripts/bench/aggregate.js';
import type { Conditions } from '../../../scripts/bench/conditions.js';
import { goalTable } from '../../../scripts/bench/goals.js';
import type { Settings } from '../../../scripts/bench/measure.js';
import type { Variant } from '../../../scripts/bench/pod.js';
import type { Runs } from '../../../scripts/bench/run.js';
import { renderSection, type Section } from '../../../scripts/bench/section.js';
import { f3, mb, n0, opt, showSpread, type Spread, x2 } from '../../../scripts/bench/stats.js';
import { summarize, type Summary } from './aggregate.js';
import { goalsOf } from './goals.js';
import { ROLE } from './setup.js';

export const SECTION: Section = {
  id: 'mesh',
  title: 'a mesh hop pair through mesh-proxy beside HAProxy',
  source: 'stacks/mesh/bench.ts',
  intro:
    "Run it with `npm run bench:mesh` (as root: the load generator enters the bench pod's network namespace; needs Debian's wrk; `-- --rounds 1 --seconds 2 --out /tmp/bench-mesh.json` is a smoke run that leaves this file alone). It measures the path app → outbound sidecar → mTLS → inbound sidecar → app through a pair of mesh-proxy sidecars, through a pair of HAProxy instances configured as mTLS proxies, and through a floor pair of bare Buns that only add headers and relay, and the app called directly, all in one pod on one core.",
};

/** What docs/bench-mesh.json keeps of the conditions: the common block and the settings the tables name. */
export type MeshConditions = Conditions & Settings & { rounds: number };

export const DIRECT = 'direct';
export const OURS = 'ours';
export const REFERENCE = 'haproxy';
/** The bare Bun pair (scripts/bench/floor/pipe.mjs): what any mesh sidecar pair on this runtime pays at least. */
export const FLOOR = 'floor';

/** One run's summaries, and the per-round comparisons with the HAProxy pair: of the mesh-proxy pair, and of the floor. */
export interface MeshReport {
  rows: Summary[];
  vs: Comparison | undefined;
  floorVs: Comparison | undefined;
}

export function report(variants: Variant[], runs: Map<string, Runs>): MeshReport {
  return {
    rows: summarize(variants, runs, DIRECT),
    vs: compare(runs, OURS, REFERENCE, DIRECT),
    floorVs: compare(runs, FLOOR, REFERENCE, DIRECT),
  };
}

const s = (sp: Spread | undefined, f: (v: number) => string) => showSpread(sp, f);

export function markdown({ rows, vs, floorVs }: MeshReport, c: MeshConditions): string {
  const by = (id: string) => rows.find((r) => r.id === id);
  const [d, o, fl, h] = [by(DIRECT), by(OURS), by(FLOOR), by(REFERENCE)];
  type Of<T> = { [K in keyof T]-?: T[K] extends Spread | undefined ? K : never }[keyof T];
  const cell = (r: Summary | undefined, k: Of<Summary>, fmt: (v: number) => string) => (r ? s(r[k] as Spread | undefined, fmt) : 'n/a');
  const ratio = (v: Comparison | undefined, k: Of<Comparison> | undefined) => (v && k && v[k] ? s(v[k] as Spread, x2) : '—');
  const line = (what: string, k: Of<Summary>, fmt: (v: number) => string, r?: Of<Comparison>, direct = true) =>
    `| ${what} | ${direct && d ? cell(d, k, fmt) : '—'} | ${cell(o, k, fmt)} | ${cell(fl, k, fmt)} | ${cell(h, k, fmt)} | ${ratio(vs, r)} | ${ratio(floorVs, r)} |`;
  const out: string[] = [
    '**Goals** (issue 28; measured, not tests; met or not by the median):',
    '',
    ...goalTable(goalsOf(rows, vs, OURS)),
    '',
    `**Side by side.** Every round measures every variant back to back; added latency (pair − direct) and each ratio (mesh-proxy pair / HAProxy pair, floor pair / HAProxy pair) are taken within a round, and the table gives their median with min–max over the ${c.rounds} rounds of this one run. A round where the HAProxy pair added no measurable latency (≤ 0) has no added-latency ratio. Latency: open loop at a fixed ${c.rate} req/s over ${c.rateConns} connections, ms from each request's scheduled send time. Throughput: wrk, ${c.conns} connections, ${c.seconds} s. CPU: cgroup time of both sidecars of the pair (for direct: the app); "per core" is what one core carries at the CPU cost of the pair plus the app.`,
    '',
    `| | direct | ${o?.label ?? 'mesh-proxy pair'} | ${fl?.label ?? 'floor pair'} | ${h?.label ?? 'HAProxy pair'} | mesh-proxy / HAProxy | floor / HAProxy |`,
    '| --- | --- | --- | --- | --- | --- | --- |',
    line(`p50 at ${c.rate} req/s, ms`, 'p50Ms', f3),
    line(`p99 at ${c.rate} req/s, ms`, 'p99Ms', f3),
    line('added p50, ms', 'addedP50Ms', f3, 'addedP50', false),
    line('added p99, ms', 'addedP99Ms', f3, 'addedP99', false),
    line('maximum throughput, req/s', 'throughputRps', n0, 'throughput'),
    line('req/s per core (pair + app CPU)', 'capacityRps', n0, 'capacity'),
    line('CPU s per 1000 req at maximum throughput', 'cpuSPer1kAtMax', f3, 'cpuAtMax'),
    line(`CPU s per 1000 req at ${c.rate} req/s`, 'cpuSPer1kAtRate', f3),
    line('app CPU s per 1000 req at maximum throughput', 'upstreamCpuSPer1kAtMax', f3, undefined, false),
    '',
    `**Latency in detail** (ms; open loop at ${c.rate} req/s, ${c.seconds} s after 1 s of warm-up; generator lag: how late the generator itself sent).`,
    '',
    '| variant | p50 | p90 | p99 | p99.9 | added p50 | added p99 | generator lag p99 |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.label} | ${s(r.p50Ms, f3)} | ${s(r.p90Ms, f3)} | ${s(r.p99Ms, f3)} | ${s(r.p999Ms, f3)} | ${s(r.addedP50Ms, f3)} | ${s(r.addedP99Ms, f3)} | ${s(r.generatorLagP99Ms, f3)} |`,
    ),
    '',
    "**Memory of each sidecar**, MB (resident set of the container's processes from /proc; for mesh-proxy also process_resident_memory_bytes from its /metrics; anonymous = the private part). Idle: after start and one request; under load: peak during the throughput runs.",
    '',
    '| container | role | RSS idle | RSS under load | anonymous under load | /metrics RSS idle | /metrics RSS under load |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows
      .filter((r) => r.id !== DIRECT)
      .flatMap((r) =>
        r.members.map(
          (m) =>
            `| ${m.service} (${r.label}) | ${ROLE[m.service] ?? ''} | ${opt(m.rssIdleMB)} | ${s(m.rssLoadMB, mb)} | ${s(m.anonLoadMB, mb)} | ${opt(m.metricsRssIdleMB)} | ${s(m.metricsRssLoadMB, mb)} |`,
        ),
      ),
    '',
    errorsLine(rows),
  ];
  return renderSection({ lead: `Each figure: median of ${c.rounds} rounds (min–max).`, conditions: c, results: out });
}
