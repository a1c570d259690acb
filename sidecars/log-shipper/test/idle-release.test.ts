// The process level: what a burst leaves in memory once it is over, as /metrics shows it.
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { until } from '../../lib/test-support/wait.js';
import { IDLE_AFTER_RECORDS } from '../src/gc-pacer.js';
import { LIMIT_MS, lines, processSuite, startShipper } from './process.js';

const test = processSuite('idle release');

test('the buffers a burst kept for reuse are dropped once it is over, and a smaller one is not a burst', async ({ dir, relp }) => {
  const small = IDLE_AFTER_RECORDS / 2;
  const file = join(dir, 'app.log');
  writeFileSync(file, lines(1, small));
  const { metrics } = await startShipper(dir, relp);
  const gauge = async (name: string) => (await metrics()).get(`log_shipper_${name}`);

  await until(`${small} records acknowledged`, async () => (await gauge('acked_records_total')) === small, LIMIT_MS);
  await until('nothing left to send or acknowledge', async () => (await gauge('buffered_bytes')) === 0, LIMIT_MS);
  const kept = (await gauge('pooled_buffer_bytes'))!;
  assert.ok(kept > 0, `after ${small} records the buffers are kept for the next reads and batches (pooled_buffer_bytes ${kept})`);

  appendFileSync(file, lines(small + 1, small + IDLE_AFTER_RECORDS));
  await until('the whole burst acknowledged', async () => (await gauge('acked_records_total')) === small + IDLE_AFTER_RECORDS, LIMIT_MS);
  await until('the kept buffers dropped', async () => (await gauge('pooled_buffer_bytes')) === 0, LIMIT_MS);
  assert.is(await gauge('buffered_bytes'), 0);
});

test.run();
