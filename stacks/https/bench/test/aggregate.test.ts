import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Runs } from '../../../../scripts/bench/run.js';
import { acc, latRound, MB, tpRound } from '../../../../scripts/bench/test/rounds.js';
import { summarize } from '../aggregate.js';
import { goalsOf, goalTable, verdict } from '../goals.js';
import { REFERENCES, variantsFor } from '../setup.js';

const test = suite('bench:https aggregation, per-round ratios and goals');
/** Runs of one variant: per round its req/s, p99 and CPU ms per handshake (100 handshakes a round), at fixed memory. */
function runs(o: { rps: number[]; p99?: number[]; hsCpuMs?: number[]; rssMB?: number; churnMB?: number }): Runs {
  return {
    tp: o.rps.map((rps) => tpRound(rps, acc(rps / 20000), { rssPeakBytes: (o.rssMB ?? 20) * MB, anonPeakBytes: 5 * MB })),
    lat: o.rps.map((_, i) => latRound({ p99Ms: o.p99?.[i] ?? 1 }, acc(0.1))),
    hs: (o.hsCpuMs ?? o.rps.map(() => 1)).map((ms) => ({
      hs: { perSecond: 500, completed: 100, errors: 0, resumed: 0, seconds: 1, clientCpuS: 0.1 },
      acc: acc((ms * 100) / 1000),
      ...(o.churnMB === undefined ? {} : { rssPeakBytes: o.churnMB * MB, anonPeakBytes: 6 * MB }),
    })),
    idleRssBytes: (o.rssMB ?? 20) * MB * 0.6,
    idleAnonBytes: 3 * MB,
  };
}

const variants = variantsFor(true);
const measured = () =>
  new Map<string, Runs>([
    ['direct', runs({ rps: [50000, 50000, 50000], p99: [1, 2, 1] })],
    ['direct-python', runs({ rps: [900, 900, 900] })],
    ['ours-tcp', runs({ rps: [900, 1100, 1000], p99: [1.2, 2.1, 1.3], hsCpuMs: [1.2, 1.5, 1.0], rssMB: 40, churnMB: 55 })],
    ['ours-http', runs({ rps: [450, 500, 600], p99: [2, 3, 2], hsCpuMs: [1.1, 1.1, 1.1], rssMB: 60, churnMB: 45 })],
    ['floor-tcp', runs({ rps: [1200, 1200, 2400], rssMB: 30, churnMB: 35 })],
    ['floor-http', runs({ rps: [1100, 1000, 1200], rssMB: 32, churnMB: 36 })],
    ['nginx', runs({ rps: [500, 500, 500], hsCpuMs: [1, 1, 1] })],
    ['nginx-stream', runs({ rps: [1000, 1000, 2000], hsCpuMs: [1, 1, 2] })],
    ['haproxy', runs({ rps: [600, 400, 500] })],
    ['haproxy-tcp', runs({ rps: [800, 1000, 1000] })],
  ]);
const row = (rows: ReturnType<typeof summarize>, id: string) => rows.find((r) => r.id === id)!;

test('the tcp mode is compared with nginx stream and HAProxy mode tcp, the http mode with nginx http and HAProxy mode http', () => {
  const rows = summarize(variants, measured(), 'direct', REFERENCES);
  assert.equal(row(rows, 'ours-tcp').refs, { nginx: 'nginx stream (L4)', haproxy: 'HAProxy mode tcp (L4)' });
  assert.equal(row(rows, 'ours-http').refs, { nginx: 'nginx http (L7)', haproxy: 'HAProxy mode http (L7)' });
  assert.equal(row(rows, 'floor-tcp').refs, row(rows, 'ours-tcp').refs, 'the floor under load is weighed as tcp mode is');
  assert.equal(row(rows, 'floor-http').refs, row(rows, 'ours-http').refs, 'the floor of http mode is weighed as http mode is');
  assert.is(row(rows, 'nginx').vsNginx, undefined, 'a reference has no ratio of its own');
});

test('a throughput ratio is taken within each round, and the median of the per-round ratios is reported with its min and max', () => {
  const tcp = row(summarize(variants, measured(), 'direct', REFERENCES), 'ours-tcp');
  // rounds: 900/1000, 1100/1000, 1000/2000; the ratio of the medians would be 1000/1000 = 1
  assert.equal(tcp.vsNginx?.runs, [0.9, 1.1, 0.5]);
  assert.equal([tcp.vsNginx?.median, tcp.vsNginx?.min, tcp.vsNginx?.max], [0.9, 0.5, 1.1]);
  assert.equal(
    tcp.vsHaproxy?.runs.map((v) => Number(v.toFixed(3))),
    [1.125, 1.1, 1],
  );
  assert.is(tcp.vsHaproxy?.median, 1.1);
});

test('CPU per new connection is compared per round too, and added p99 is this variant minus direct in the same round', () => {
  const rows = summarize(variants, measured(), 'direct', REFERENCES);
  const tcp = row(rows, 'ours-tcp');
  assert.equal(
    tcp.hsCpuVsNginx?.runs.map((v) => Number(v.toFixed(3))),
    [1.2, 1.5, 0.5],
  );
  assert.is(Number(tcp.hsCpuVsNginx?.median.toFixed(3)), 1.2);
  assert.equal(
    tcp.addedP99Ms?.runs.map((v) => Number(v.toFixed(3))),
    [0.2, 0.1, 0.3],
  );
  assert.is(Number(tcp.addedP99Ms?.median.toFixed(3)), 0.2);
  assert.is(row(rows, 'direct').addedP99Ms, undefined);
});

test('a round a reference lacks is left out of the ratio instead of being paired with another round', () => {
  const m = measured();
  m.get('nginx')!.tp.pop();
  const http = row(summarize(variants, m, 'direct', REFERENCES), 'ours-http');
  assert.is(http.vsNginx?.runs.length, 3);
  assert.ok(Number.isNaN(http.vsNginx!.runs[2]!));
  assert.equal([http.vsNginx?.min, http.vsNginx?.max], [0.9, 1]);
  assert.is(http.vsNginx?.median, 0.95);
});

test('a reference that did not run (an old saved run, or --only) leaves the ratio and its goal n/a', () => {
  const m = measured();
  m.delete('nginx-stream');
  const vs = variants.filter((v) => v.id !== 'nginx-stream');
  const rows = summarize(vs, m, 'direct', REFERENCES);
  assert.is(row(rows, 'ours-tcp').vsNginx, undefined);
  const goal = goalsOf(rows).find((g) => g.text.startsWith('tcp mode throughput'))!;
  assert.is(verdict(goal.got?.median, goal.op, goal.limit), 'n/a');
});

test('a goal is met by its median exactly at the limit, and not met just past it, in either direction', () => {
  assert.is(verdict(0.9, '≥', 0.9), 'met');
  assert.is(verdict(0.8999, '≥', 0.9), 'not met');
  assert.is(verdict(50, '≤', 50), 'met');
  assert.is(verdict(50.1, '≤', 50), 'not met');
  assert.is(verdict(NaN, '≤', 50), 'n/a');
  assert.is(verdict(undefined, '≥', 1), 'n/a');
});

test('the goals of issues 10 and 28 are judged on the measured medians: throughput, added p99, handshake CPU, and memory idle against the floor, under keep-alive and churn', () => {
  const goals = goalsOf(summarize(variants, measured(), 'direct', REFERENCES), 25);
  const judged = Object.fromEntries(goals.map((g) => [g.text, verdict(g.got?.median, g.op, g.limit)]));
  assert.equal(judged, {
    'http mode throughput ≥ 1.0× nginx http': 'met', // 0.9, 1.0, 1.2
    'http mode throughput ≥ 1.0× HAProxy http': 'met', // 0.75, 1.25, 1.2
    'tcp mode throughput ≥ 1.0× nginx stream': 'not met', // 0.9
    'added p99 at 1000 req/s ≤ 0.5 ms, tcp mode': 'met', // 0.2
    'added p99 at 1000 req/s ≤ 0.5 ms, http mode': 'not met', // 1
    "CPU per new full TLS handshake ≤ 1.1× nginx stream's, tcp mode": 'not met', // 1.2
    "CPU per new full TLS handshake ≤ 1.1× nginx http's, http mode": 'met', // 1.1
    'RSS idle ≤ the floor + 8 MB (a bare Bun with one TLS listener: 25 MB), tcp mode': 'met', // 24 ≤ 33
    'RSS idle ≤ the floor + 8 MB (a bare Bun with one TLS listener: 25 MB), http mode': 'not met', // 36
    'RSS under keep-alive load ≤ 40 MB, tcp mode': 'met', // 40
    'RSS under keep-alive load ≤ 40 MB, http mode': 'not met', // 60
    'RSS under connection churn ≤ 45 MB, tcp mode': 'not met', // 55
    'RSS under connection churn ≤ 45 MB, http mode': 'met', // 45
    'anonymous memory under keep-alive load ≤ 20 MB, tcp mode': 'met', // 5
    'anonymous memory under keep-alive load ≤ 20 MB, http mode': 'met', // 5
  });
});

test('without a measured floor (a run saved before it), no idle goal is judged', () => {
  const goals = goalsOf(summarize(variants, measured(), 'direct', REFERENCES));
  assert.is(goals.filter((g) => g.text.startsWith('RSS idle')).length, 0);
});

test('the goals table shows each median with its min–max over the rounds, and marks what is not met', () => {
  const table = goalTable(goalsOf(summarize(variants, measured(), 'direct', REFERENCES), 25));
  assert.ok(
    table.includes('| tcp mode throughput ≥ 1.0× nginx stream | 0.90× (0.50×–1.10×); from CPU per request 1.00× | **not met** |'),
    table.join('\n'),
  );
  assert.ok(
    table.includes('| RSS idle ≤ the floor + 8 MB (a bare Bun with one TLS listener: 25 MB), tcp mode | 24.0 MB | met |'),
    table.join('\n'),
  );
});

test.run();
