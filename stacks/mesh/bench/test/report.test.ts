import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Conditions } from '../../../../scripts/bench/conditions.js';
import type { Runs } from '../../../../scripts/bench/run.js';
import { acc, latRound, MB, tpRound } from '../../../../scripts/bench/test/rounds.js';
import { renderSaved } from '../../../../scripts/bench/driver.js';
import { MESH_BENCH } from '../configure.js';
import { markdown, report, type MeshConditions } from '../report.js';
import { VARIANTS } from '../setup.js';

const test = suite('bench:mesh report');

/** One round of one variant: req/s, p99, and each member's memory peak. */
function run(rps: number, p99: number, members?: Record<string, number>): Runs {
  const a = acc(rps / 20000, 0, 0.05);
  const peak = (mb: number) => ({ rssPeakBytes: mb * MB, anonPeakBytes: MB, metricsRssPeakBytes: mb * MB });
  return {
    tp: [tpRound(rps, a, { ...peak(1), members: members && Object.fromEntries(Object.entries(members).map(([s, mb]) => [s, peak(mb)])) })],
    lat: [latRound({ p50Ms: p99 / 4, p90Ms: p99 / 2, p99Ms: p99, p999Ms: p99 * 2, maxMs: p99 * 3, sendLagP99Ms: 0.05 }, a)],
    hs: [],
  };
}

const raw = {
  direct: run(90000, 0.2),
  ours: run(3000, 0.9, { 'mesh-out': 58, 'mesh-in': 61 }),
  floor: run(10000, 0.5, { 'floor-out': 50, 'floor-in': 52 }),
  haproxy: run(8000, 0.6, { 'haproxy-out': 22, 'haproxy-in': 27 }),
};
const base: Conditions = {
  date: '2026-11-22 18:00 UTC',
  minutes: 3,
  machine: '2 × CPU, 8 GiB, Linux 6',
  load: { start: 1, end: 2 },
  versions: { 'sidecar-lab': '0.1.0' },
  notes: ['Pinning: cpuset 0.'],
};
const c: MeshConditions = { ...base, seconds: 5, conns: 64, rate: 1000, rateConns: 16, hsConns: 16, hsSeconds: 4, rounds: 1 };

test('the section states the conditions, then the goals, then the pairs and the floor side by side with their ratios', () => {
  const text = markdown(report(VARIANTS, new Map(Object.entries(raw))), c);
  assert.ok(
    text.startsWith('Each figure: median of 1 rounds (min–max).\n\n**Conditions.**\n\n- Date: 2026-11-22 18:00 UTC; '),
    text.slice(0, 200),
  );
  assert.match(text, /^- Pinning: cpuset 0\.$/m);
  assert.match(text, /^\| added p99 at 1000 req\/s ≤ 1 ms \| 0\.700 ms \| met \|$/m);
  assert.not.match(text, /HAProxy pair's \|/, "the ratio of added p99s is not a goal (it is in the pairs' table)");
  assert.match(text, /^\| maximum throughput, req\/s \| 90,000 \| 3,000 \| 10,000 \| 8,000 \| 0\.38× \| 1\.25× \|$/m);
  assert.match(text, /^\| added p99, ms \| — \| 0\.700 \| 0\.300 \| 0\.400 \| 1\.75× \| 0\.75× \|$/m);
  assert.match(text, /^\| floor-in \(floor pair: [^)]+\) \| inbound \(called side\) \| n\/a \| 52\.0 \|/m);
  assert.match(text, /^\| mesh-in \(mesh-proxy pair\) \| inbound \(called side\) \| n\/a \| 61\.0 \| 1\.0 \| n\/a \| 61\.0 \|$/m);
  assert.match(text, /^\| sidecar RSS under load ≤ 40 MB, inbound \(called side\) \| 61\.0 MB \| \*\*not met\*\* \|$/m);
  assert.match(text, /Errors \(non-2xx, socket errors, unanswered\): direct 0, ours 0, floor 0, haproxy 0\./);
});

test('a saved run renders again (--render) with the labels it was saved with', () => {
  const saved = {
    conditions: c,
    results: VARIANTS.map((v) => ({ id: v.id, label: v.id === 'ours' ? 'mesh-proxy 0.0.9 pair' : v.label })),
    raw,
  };
  const { body: text } = renderSaved(MESH_BENCH, JSON.parse(JSON.stringify(saved)));
  assert.match(
    text,
    /^\| \| direct \| mesh-proxy 0\.0\.9 pair \| floor pair: [^|]+ \| HAProxy pair \| mesh-proxy \/ HAProxy \| floor \/ HAProxy \|$/m,
  );
  assert.match(text, /^\| mesh-out \(mesh-proxy 0\.0\.9 pair\) \| outbound \(caller side\) \| n\/a \| 58\.0 \|/m);
});

test.run();
