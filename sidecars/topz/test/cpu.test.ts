import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CpuTracker, cpuPercent, processKey } from '../src/cpu.js';

const test = suite('CPU % from deltas');

test('50 ticks in one second at 100 Hz are 50 % of one core; 200 ticks are two cores', () => {
  assert.is(cpuPercent(1000, 1050, 1000), 50);
  assert.is(cpuPercent(0, 200, 1000), 200);
  assert.is(cpuPercent(0, 25, 500), 50);
});

test('no elapsed time or a counter that went backwards gives 0, never a negative or infinite value', () => {
  assert.is(cpuPercent(10, 20, 0), 0);
  assert.is(cpuPercent(20, 10, 1000), 0);
});

test('a process has no CPU % the first time it is seen, then the share since the previous scan', () => {
  const t = new CpuTracker(200, 10);
  const k = processKey(7, 100);
  assert.is(t.observe([{ key: k, ticks: 5000 }], 0).get(k), null);
  assert.is(t.observe([{ key: k, ticks: 5090 }], 1000).get(k), 90);
  // Then idle: the lifetime average would still be high; the delta is 0.
  assert.is(t.observe([{ key: k, ticks: 5090 }], 2000).get(k), 0);
});

test('a reused PID with a new start time starts over without a baseline', () => {
  const t = new CpuTracker(200, 10);
  t.observe([{ key: processKey(7, 100), ticks: 10 }], 0);
  const fresh = processKey(7, 900);
  assert.is(t.observe([{ key: fresh, ticks: 5000 }], 1000).get(fresh), null);
});

test('two scans closer than the minimum window reuse the last result and keep the older baseline', () => {
  const t = new CpuTracker(200, 10);
  const k = 'a';
  t.observe([{ key: k, ticks: 0 }], 0);
  assert.is(t.observe([{ key: k, ticks: 50 }], 1000).get(k), 50);
  assert.is(t.observe([{ key: k, ticks: 51 }], 1010).get(k), 50, 'one tick in 10 ms is not 100 %');
  assert.is(t.observe([{ key: k, ticks: 60 }], 1500).get(k), 20, '10 ticks (0.1 s) over the 500 ms since the kept baseline');
});

test('the history keeps the last N recorded results, and request scans do not add to it', () => {
  const t = new CpuTracker(0, 3);
  const k = 'a';
  for (let i = 0; i <= 5; i++) t.observe([{ key: k, ticks: i * 10 * i }], i * 1000, { record: true });
  t.observe([{ key: k, ticks: 1000 }], 6000);
  assert.equal(t.history(k), [50, 70, 90]);
});

test('processes missing from a complete scan are forgotten; a truncated scan forgets nothing', () => {
  const t = new CpuTracker(0, 3);
  t.observe(
    [
      { key: 'a', ticks: 0 },
      { key: 'b', ticks: 0 },
    ],
    0,
  );
  t.observe([{ key: 'a', ticks: 1 }], 1000, { complete: false });
  assert.is(t.tracked, 2);
  t.observe([{ key: 'a', ticks: 2 }], 2000);
  assert.is(t.tracked, 1);
});

test.run();
