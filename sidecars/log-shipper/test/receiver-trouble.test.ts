// The process against a receiver that misbehaves in the middle of a stream: it stalls, answers garbage,
// refuses with 500, or hangs up mid-frame. Every line arrives, what arrives twice has its first id (a
// receiver that keeps ids unique stores it once), memory stays within --max-buffer-bytes, and the
// process stays up and says what it is doing: /healthz and /readyz 200 (readiness does not wait for the
// receiver), the failures counted, and no lag once the receiver is back.
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { until } from '../../lib/test-support/wait.js';
import type { Trouble } from './fake-relp.js';
import { bodies, LIMIT_MS, lines, processSuite, range, seqsOf, startShipper } from './process.js';

const BOUND = 65_536;
const TOTAL = 5000;

const test = processSuite('receiver trouble');

const troubles: [string, Trouble][] = [
  ['stalls (stops reading and answering)', 'stall'],
  ['answers garbage', { garbage: Buffer.from('\x00\xffnot relp at all\n') }],
  ['answers 500', { refuse: '500 internal error' }],
  ['hangs up in the middle of an ack frame', 'cut'],
];

for (const [name, what] of troubles)
  test(`a receiver that ${name} mid-stream: no line lost, duplicates counted, memory bounded, the process up and truthful`, async ({
    dir,
    relp,
  }) => {
    relp.trouble = { at: 1500, what };
    writeFileSync(join(dir, 'app.log'), lines(1, TOTAL));
    const bound = ['--max-buffer-bytes', String(BOUND), '--batch-max-bytes', '16384', '--relp-window', '64'];
    const timing = ['--relp-timeout', '1s', '--retry-max', '200ms'];
    const { r, metrics, status, kill } = await startShipper(dir, relp, [...bound, ...timing]);
    const seen = { buffered: 0, statuses: new Set<string>() };
    let done = false;
    // Samples what the process says about itself every 25 ms while the stream runs.
    const sampler = until(
      'the stream to end',
      async () => {
        seen.buffered = Math.max(seen.buffered, (await metrics()).get('log_shipper_buffered_bytes')!);
        seen.statuses.add(`${await status('/healthz')} ${await status('/readyz')}`);
        return done;
      },
      60_000,
      25,
    );
    try {
      await until(`all ${TOTAL} lines`, () => seqsOf(relp).length === TOTAL, 30_000);
      appendFileSync(join(dir, 'app.log'), lines(TOTAL + 1, TOTAL + 100)); // after the trouble
      await until('the lines written after it', () => seqsOf(relp).length === TOTAL + 100, LIMIT_MS);
      await until('no lag', async () => (await metrics()).get('log_shipper_lag_bytes{file="app.log"}') === 0, LIMIT_MS);
      done = true;
      await sampler;
      assert.equal(seqsOf(relp), range(1, TOTAL + 100), 'no line lost');
      const ids = new Map<string, number>();
      for (const b of bodies(relp)) {
        assert.ok((ids.get(b.id) ?? b.fields!.seq) === b.fields!.seq, `id ${b.id} names one line`);
        ids.set(b.id, b.fields!.seq);
      }
      const m = await metrics();
      const duplicates = relp.messages.length - ids.size;
      assert.is(ids.size, TOTAL + 100);
      assert.is(m.get('log_shipper_acked_records_total'), TOTAL + 100, 'each line acknowledged once');
      assert.ok(m.get('log_shipper_send_failures_total')! >= 1, 'the failure is counted');
      assert.ok(m.get('log_shipper_retries_total')! >= 1, 'the resend is counted');
      assert.ok(
        m.get('log_shipper_shipped_records_total')! - m.get('log_shipper_acked_records_total')! >= duplicates,
        `the ${duplicates} duplicates the receiver got are within what the shipper counts as sent and not acknowledged`,
      );
      assert.ok(seen.buffered <= BOUND, `buffered ${seen.buffered} within --max-buffer-bytes`);
      assert.ok(seen.buffered > 0, 'the sampler saw the stream');
      assert.equal([...seen.statuses], ['200 200'], 'alive and ready throughout');
      assert.is(m.get('log_shipper_buffered_bytes'), 0);
      assert.is(m.get('log_shipper_receiver_connected'), 1);
      assert.equal(relp.violations, [], 'the client spoke RELP correctly on every session');
      assert.is(r.child.exitCode, null);
    } finally {
      done = true;
      await sampler.catch(() => {});
      await kill();
    }
  });

test.run();
