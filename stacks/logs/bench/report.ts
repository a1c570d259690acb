// bench:logs's section: the results side by side per line size, the ratios to imfile, and the goals.
import type { Conditions } from '../../../scripts/bench/conditions.js';
import { percentile, type Spread, showSpread } from '../../../scripts/bench/stats.js';

/** The memory goal at full speed (issue 28): 64 MiB, the heap size JavaScriptCore was tried at. */
const RSS_GOAL_MIB = 64;

export interface Result {
  sender: 'shipper' | 'shipper-json' | 'imfile';
  bytes: number;
  lines: number;
  seconds: number;
  cpuSeconds: number;
  peakRss: number;
  lost: number;
  duplicated: number;
}

const LABEL = { shipper: 'log-shipper (text)', 'shipper-json': 'log-shipper (--parse-json)', imfile: 'rsyslog imfile → omrelp' };
const mibps = (r: Result) => (r.lines * r.bytes) / 2 ** 20 / r.seconds;
const cpuPerGib = (r: Result) => r.cpuSeconds / ((r.lines * r.bytes) / 2 ** 30);
const median = (xs: number[]) => percentile(xs, 50);
const mib = (bytes: number) => bytes / 2 ** 20;
/** Peak RSS over the rounds: the median, as issue 28 judges the goal, with the smallest and largest round beside it. */
const peaks = (rs: Result[]): Spread => {
  const runs = rs.map((r) => mib(r.peakRss));
  return { median: median(runs), min: Math.min(...runs), max: Math.max(...runs), runs };
};
const showMib = (v: number) => `${v.toFixed(1)} MiB`;

export function report(results: Result[], rounds: number, conditions: Conditions) {
  const sizes = [...new Set(results.map((r) => r.bytes))];
  const of = (s: Result['sender'], b: number) => results.filter((r) => r.sender === s && r.bytes === b);
  const rows: string[] = [];
  const goals: string[] = [];
  for (const b of sizes) {
    const ref = median(of('imfile', b).map(mibps));
    for (const s of ['shipper', 'shipper-json', 'imfile'] as const) {
      const rs = of(s, b);
      if (!rs.length) continue;
      const m = median(rs.map(mibps));
      rows.push(
        `| ${b} B | ${LABEL[s]} | ${m.toFixed(1)} | ${((m * 2 ** 20) / b / 1000).toFixed(0)}k | ${(m / ref).toFixed(2)}× | ${median(rs.map(cpuPerGib)).toFixed(1)} | ${showSpread(peaks(rs), showMib)} | ${rs.reduce((n, r) => n + r.lost, 0)} | ${rs.reduce((n, r) => n + r.duplicated, 0)} |`,
      );
    }
    const shipper = median(of('shipper', b).map(mibps));
    const rss = peaks(of('shipper', b));
    const verdict = (ok: boolean) => (ok ? '**met**' : '**not met**');
    goals.push(
      `| ${b} B | ${(shipper / ref).toFixed(2)}× ${verdict(shipper >= ref)} | ${shipper.toFixed(1)} MiB/s ${verdict(shipper >= 50)} | ${showSpread(rss, showMib)} ${verdict(rss.median <= RSS_GOAL_MIB)} | ${median(of('shipper', b).map(cpuPerGib)).toFixed(1)} |`,
    );
  }
  const perRound =
    rounds > 1
      ? [
          '',
          'Every run (MiB/s; peak RSS), in the order run:',
          '',
          ...results.map(
            (r) =>
              `- ${r.bytes} B, ${LABEL[r.sender]}: ${mibps(r).toFixed(1)} (${r.lines} lines in ${r.seconds.toFixed(2)} s; ${showMib(mib(r.peakRss))})`,
          ),
        ]
      : [];
  return {
    lead: `${results[0]?.lines ?? 0} lines of 100 bytes and ${results.find((r) => r.bytes === 1024)?.lines ?? 0} of 1 KiB, each shipped by each sender ${rounds === 1 ? 'once' : `${rounds} times`}, one sender at a time, file → RELP → rsyslog. Medians over the rounds (nearest rank: with 2 rounds, the lower one); for peak RSS, the median of the rounds' peaks with the smallest and largest in brackets. Each goal is judged by the median, as issue 28 asks.`,
    conditions,
    results: [
      '| line | sender | MiB/s | lines/s | × imfile | CPU s/GiB | peak RSS | lost | duplicated |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      ...rows,
      '',
      `**Goals** (not tests), for log-shipper (text): ≥ 1.0× imfile; ≥ 50 MiB/s (Vector publishes 77 MiB/s and Fluent Bit 35 MiB/s for file → TCP, 2019); peak RSS ≤ ${RSS_GOAL_MIB} MiB at full speed, the median of the rounds; CPU seconds per GiB reported.`,
      '',
      '| line | × imfile | throughput | peak RSS | CPU s/GiB |',
      '| --- | --- | --- | --- | --- |',
      ...goals,
      ...perRound,
    ],
  };
}
