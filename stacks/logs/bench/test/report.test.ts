import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Conditions } from '../../../../scripts/bench/conditions.js';
import { type Result, report } from '../report.js';

const test = suite('bench:logs report');

const conditions: Conditions = {
  date: '2026-11-28 08:00 UTC',
  minutes: 1,
  machine: 'test',
  load: { start: 0, end: 0 },
  versions: {},
  notes: [],
};
const MiB = 2 ** 20;
/** One run of 1 MiB of 1 KiB lines in 1 s at each given peak RSS (MiB), in that order. */
const runs = (sender: Result['sender'], peaks: number[]): Result[] =>
  peaks.map((p) => ({ sender, bytes: 1024, lines: 1024, seconds: 1, cpuSeconds: 0.01, peakRss: p * MiB, lost: 0, duplicated: 0 }));

const goalRow = (results: Result[]) => {
  const lines = report(results, 3, conditions).results;
  const row = lines.slice(lines.indexOf('| line | × imfile | throughput | peak RSS | CPU s/GiB |')).find((l) => l.startsWith('| 1024 B'));
  assert.ok(row, 'the goal table has a row for 1 KiB');
  return row;
};

test('the RSS goal is judged by the median of the rounds, with the smallest and largest beside it', () => {
  const row = goalRow([...runs('shipper', [63.2, 64.4, 63.9]), ...runs('imfile', [300, 300, 300])]);
  assert.match(row, '63.9 MiB (63.2 MiB–64.4 MiB) **met**');
});

test('a median over 64 MiB is not met, even by a tenth', () => {
  const row = goalRow([...runs('shipper', [64.1, 64.1, 63.0]), ...runs('imfile', [300, 300, 300])]);
  assert.match(row, '64.1 MiB (63.0 MiB–64.1 MiB) **not met**');
});

test('every run lists its own peak RSS, to one decimal', () => {
  const lines = report([...runs('shipper', [63.24, 64.4, 63.9]), ...runs('imfile', [300, 301, 302])], 3, conditions).results;
  const every = lines.filter((l) => l.startsWith('- 1024 B'));
  assert.equal(every.length, 6);
  assert.match(every[0]!, '; 63.2 MiB)');
  assert.match(every[5]!, '; 302.0 MiB)');
});

test.run();
