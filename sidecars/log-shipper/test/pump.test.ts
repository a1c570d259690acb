// The read loop's own health: a pass that does not end (a listing or a read that hangs) is a stalled
// reader, and /readyz and a gauge say so while it lasts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger } from '../../lib/log.js';
import { parseMetrics, Registry as Metrics } from '../../lib/metrics.js';
import { until } from '../../lib/test-support/wait.js';
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

test.run();
