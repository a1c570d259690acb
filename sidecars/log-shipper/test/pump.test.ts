// The read loop's own health: a pass that does not end (a listing or a read that hangs) is a stalled
// reader, and /readyz and a gauge say so while it lasts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger } from '../../lib/log.js';
import { parseMetrics, Registry as Metrics } from '../../lib/metrics.js';
import { quietFor, until } from '../../lib/test-support/wait.js';
import { GcPacer } from '../src/gc-pacer.js';
import { registerMetrics } from '../src/metrics.js';
import { Pump } from '../src/pump.js';
import type { Shipper } from '../src/shipper.js';
import type { Tailer } from '../src/tailer.js';

const quiet = createLogger('log-shipper', 'error', () => {});

test('a pass that hangs past stallAfterMs makes the pump not ready, with a reason and the gauge, until it ends', async () => {
  let release: () => void = () => {};
  const tailer = {
    scan: () => new Promise<void>((r) => (release = r)),
    read: async () => 0,
    flush() {},
    lines: { n: 0 },
  } as unknown as Tailer;
  const shipper = { budget: 1 << 20, enqueue() {} } as unknown as Shipper;
  const registry = new Metrics('log_shipper');
  const m = registerMetrics(registry);
  const o = { scanIntervalMs: 10, pollIntervalMs: 10, multilineTimeoutMs: 10, stallAfterMs: 300 };
  const pump = new Pump(o, tailer, shipper, m, quiet);
  const gauge = () => parseMetrics(registry.render()).get('log_shipper_read_pass_seconds')!;
  assert.equal(pump.readiness(), { ready: true });
  assert.is(gauge(), 0);
  const pass = pump.pass(true);
  await until('the pass to count as stalled', () => !pump.readiness().ready, 5000);
  assert.match(pump.readiness().reason ?? '', /read loop stalled/);
  assert.ok(gauge() >= 0.3, `gauge ${gauge()}`);
  release();
  await pass;
  assert.equal(pump.readiness(), { ready: true });
  assert.is(gauge(), 0);
});

test('the read loop gives the memory of a burst back once everything read is acknowledged, not before, and only once', async () => {
  const calls: string[] = [];
  let reads = 0;
  // Three passes of 500 records, then nothing more to read.
  const tailer = {
    scan: async () => {},
    read: async (_budget: number, out: unknown[]) => {
      reads++;
      if (reads > 3) return 0;
      for (let i = 0; i < 500; i++) out.push({});
      return 500 * 100;
    },
    flush() {},
    lines: { n: 0 },
  } as unknown as Tailer;
  const shipper = {
    budget: 1 << 20,
    buffered: 0,
    enqueue(records: unknown[]) {
      this.buffered += records.length * 100;
    },
  };
  const o = { scanIntervalMs: 10, pollIntervalMs: 5, multilineTimeoutMs: 10, stallAfterMs: 60_000, release: () => calls.push('release') };
  const pacer = new GcPacer(20_000, () => calls.push('collect'), 1000);
  const pump = new Pump(o, tailer, shipper as unknown as Shipper, registerMetrics(new Metrics('log_shipper')), quiet, pacer);
  pump.start();
  try {
    await until('ten idle passes after the burst', () => reads >= 13, 5000);
    assert.equal(calls, [], 'nothing is given back while 150,000 bytes are read and not acknowledged');
    shipper.buffered = 0;
    await until('the release', () => calls.length === 2, 5000);
    const at = reads;
    await until('ten more idle passes', () => reads >= at + 10, 5000);
    assert.equal(calls, ['release', 'collect'], 'once, the buffers dropped before the collection');
  } finally {
    await pump.finish();
  }
});

/** A pump over a file whose reads `read` answers (bytes read for a budget), and a shipper of budget and buffered. */
function pumpOver(
  shipper: { budget: number; buffered: number },
  read: (budget: number) => number,
  scan = async () => {},
  scanIntervalMs = 60_000,
) {
  const budgets: number[] = [];
  const tailer = {
    scan,
    read: async (budget: number) => {
      budgets.push(budget);
      return read(budget);
    },
    flush() {},
    lines: { n: 0 },
  } as unknown as Tailer;
  const o = { scanIntervalMs, pollIntervalMs: 60_000, multilineTimeoutMs: 10, stallAfterMs: 60_000 };
  const fake = Object.assign(shipper, { enqueue() {}, idle: async () => {} });
  const pump = new Pump(o, tailer, fake as unknown as Shipper, registerMetrics(new Metrics('log_shipper')), quiet);
  return { pump, budgets };
}

test('a pass that had no budget reads again at once when budget freed during it, not a poll interval later', async () => {
  const shipper = { budget: 0, buffered: 1000 };
  const { pump, budgets } = pumpOver(shipper, () => {
    // An acknowledgement lands while the pass runs: the nudge it sends finds the loop awake.
    shipper.budget = 4096;
    return 0;
  });
  pump.start();
  try {
    await until('a second pass', () => budgets.length >= 2, 5000);
    assert.equal(budgets.slice(0, 2), [0, 4096], 'the second pass had the freed budget');
  } finally {
    shipper.buffered = 0;
    await pump.finish();
  }
});

test('a drain reads on when budget freed during a pass that had none, and ends only at a pass that had budget and found nothing', async () => {
  let left = 3;
  const shipper = { budget: 0, buffered: 0 };
  const { pump, budgets } = pumpOver(shipper, (budget) => {
    // A batch taken off the queue while the pass runs frees budget; a read that finds bytes spends it.
    shipper.budget = budget === 0 ? 4096 : 0;
    if (budget === 0 || left === 0) return 0;
    left--;
    return 100;
  });
  await pump.finish();
  assert.is(left, 0, 'every read the file had was made');
  assert.equal(budgets, [0, 4096, 0, 4096, 0, 4096, 0, 4096], 'the last pass had budget and read nothing');
});

test('a pass whose listing fails after a pass that had no budget sleeps a poll interval, not a loop of failures', async () => {
  const shipper = { budget: 0, buffered: 1000 };
  let scans = 0;
  const scan = async () => {
    scans++;
    if (scans > 1) throw new Error('EACCES: the directory cannot be listed');
  };
  const { pump, budgets } = pumpOver(
    shipper,
    () => {
      shipper.budget = 4096; // freed while the pass ran
      return 0;
    },
    scan,
    0, // every pass lists the directory
  );
  pump.start();
  try {
    await until('the failing listing', () => scans === 2, 5000, 1);
    await quietFor(300, 'another pass: the loop sleeps its poll interval (a minute) after a failed pass');
    assert.is(scans, 2, 'one failed pass, then the sleep');
    assert.equal(budgets, [0], 'the one read was the starved pass');
  } finally {
    shipper.buffered = 0;
    await pump.finish().catch(() => {});
  }
});

test.run();
