import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { goalTable, verdict } from '../../../../scripts/bench/goals.js';
import type { Runs } from '../../../../scripts/bench/run.js';
import { acc, latRound, MB, tpRound } from '../../../../scripts/bench/test/rounds.js';
import { compare } from '../../../../scripts/bench/aggregate.js';
import { summarize } from '../aggregate.js';
import { goalsOf } from '../goals.js';
import { VARIANTS } from '../setup.js';

const test = suite('bench:mesh aggregation, per-round ratios and goals');
const r3 = (v: number) => Number(v.toFixed(3));

/** Runs of one variant: per round its req/s (CPU 1/20000 s per request) and p50/p99; members' memory peaks in MB. */
function runs(o: { rps: number[]; p50?: number[]; p99: number[]; members?: Record<string, number> }): Runs {
  const peaks = (scale: number) =>
    o.members &&
    Object.fromEntries(Object.entries(o.members).map(([s, mb]) => [s, { rssPeakBytes: mb * scale * MB, anonPeakBytes: 8 * MB }]));
  const total = o.members ? Object.values(o.members).reduce((a, b) => a + b, 0) : 10;
  return {
    tp: o.rps.map((rps, i) =>
      tpRound(rps, acc(rps / 20000, rps / 100000), {
        rssPeakBytes: total * MB,
        anonPeakBytes: 16 * MB,
        ...(o.members ? { members: peaks(1 + i / 10) } : {}),
      }),
    ),
    lat: o.p99.map((p99, i) => latRound({ p50Ms: o.p50?.[i] ?? 0.1, p99Ms: p99 }, acc(0.2))),
    hs: [],
    idleRssBytes: total * MB * 0.5,
    ...(o.members
      ? { idleMembers: Object.fromEntries(Object.keys(o.members).map((s) => [s, { idleRssBytes: 40 * MB, idleMetricsRssBytes: 41 * MB }])) }
      : {}),
  };
}

const measured = () =>
  new Map<string, Runs>([
    ['direct', runs({ rps: [50000, 50000, 50000], p50: [0.1, 0.1, 0.1], p99: [0.3, 0.4, 0.3] })],
    ['ours', runs({ rps: [4000, 5000, 3000], p50: [0.4, 0.5, 0.4], p99: [1.2, 1.6, 0.9], members: { 'mesh-out': 50, 'mesh-in': 65 } })],
    [
      'haproxy',
      runs({ rps: [8000, 5000, 6000], p50: [0.3, 0.3, 0.3], p99: [0.8, 0.4, 0.8], members: { 'haproxy-out': 20, 'haproxy-in': 22 } }),
    ],
  ]);

test('added latency is a pair minus direct within each round, and the ratios to HAProxy are taken within each round', () => {
  const m = measured();
  const rows = summarize(VARIANTS, m, 'direct');
  const ours = rows.find((r) => r.id === 'ours')!;
  assert.equal(ours.addedP99Ms?.runs.map(r3), [0.9, 1.2, 0.6]);
  assert.is(r3(ours.addedP99Ms!.median), 0.9);
  assert.is(rows.find((r) => r.id === 'direct')!.addedP99Ms, undefined);
  const vs = compare(m, 'ours', 'haproxy', 'direct')!;
  assert.equal(vs.throughput.runs, [0.5, 1, 0.5]);
  // haproxy's added p99: 0.5, 0 (nothing measurable: that round has no ratio), 0.5
  assert.equal(vs.addedP99.runs.map(r3), [1.8, NaN, 1.2]);
  assert.equal([r3(vs.addedP99.median), r3(vs.addedP99.min), r3(vs.addedP99.max)], [1.5, 1.2, 1.8]);
  assert.equal(vs.addedP50.runs.map(r3), [1.5, 2, 1.5]);
});

test("each sidecar's memory is its own: idle once, peak under load per round", () => {
  const ours = summarize(VARIANTS, measured(), 'direct').find((r) => r.id === 'ours')!;
  assert.equal(
    ours.members.map((m) => m.service),
    ['mesh-out', 'mesh-in'],
  );
  const inbound = ours.members[1]!;
  assert.equal(inbound.rssLoadMB.runs.map(r3), [65, 71.5, 78]);
  assert.is(inbound.rssIdleMB, 40);
  assert.is(inbound.metricsRssIdleMB, 41);
  assert.ok(inbound.metricsRssLoadMB, 'mesh-proxy has /metrics');
  assert.is(summarize(VARIANTS, measured(), 'direct').find((r) => r.id === 'haproxy')!.members[0]!.metricsRssLoadMB, undefined);
});

test("issue 28's goals are judged on the medians: added p99 against 1 ms, throughput against HAProxy's, each sidecar's RSS", () => {
  const m = measured();
  const goals = goalsOf(summarize(VARIANTS, m, 'direct'), compare(m, 'ours', 'haproxy', 'direct'));
  const judged = Object.fromEntries(goals.map((g) => [g.text, verdict(g.got?.median, g.op, g.limit)]));
  assert.equal(judged, {
    'added p99 at 1000 req/s ≤ 1 ms': 'met', // 0.9
    'maximum throughput ≥ 0.8× the HAProxy pair': 'not met', // 0.5
    'sidecar RSS under load ≤ 40 MB, outbound (caller side)': 'not met', // 55
    'sidecar RSS under load ≤ 40 MB, inbound (called side)': 'not met', // 71.5
  });
  const table = goalTable(goals);
  assert.ok(
    table.includes('| maximum throughput ≥ 0.8× the HAProxy pair | 0.50× (0.50×–1.00×); from CPU per request 1.00× | **not met** |'),
    table.join('\n'),
  );
});

test('without the HAProxy pair (a partial saved run) the ratios and their goals are n/a, the rest still judged', () => {
  const m = measured();
  m.delete('haproxy');
  const vs = compare(m, 'ours', 'haproxy', 'direct');
  assert.is(vs, undefined);
  const rows = summarize(VARIANTS, m, 'direct');
  assert.equal(
    rows.map((r) => r.id),
    ['direct', 'ours'],
  );
  const goals = goalsOf(rows, vs);
  assert.equal(
    goals.map((g) => verdict(g.got?.median, g.op, g.limit)),
    ['met', 'n/a', 'not met', 'not met'],
  );
});

test.run();
