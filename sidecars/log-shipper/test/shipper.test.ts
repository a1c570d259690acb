import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger } from '../../lib/log.js';
import { Registry as Metrics } from '../../lib/metrics.js';
import { quietFor, until } from '../../lib/test-support/wait.js';
import { Formatter } from '../src/format.js';
import { registerMetrics } from '../src/metrics.js';
import { Registry } from '../src/registry.js';
import { Shipper, type Transport } from '../src/shipper.js';
import type { Shipped, Tracked } from '../src/tracked.js';

const quiet = createLogger('log-shipper', 'error', () => {});
const FP = 'aaaaaaaaaaaaaaaa';
const from = { name: 'app.log', where: { dev: 1, ino: 2, path: 'app.log' } } as unknown as Tracked;

/** n records of `len` bytes each (newline included) from one file, starting at offset 0. */
const records = (n: number, len = 10): Shipped[] =>
  Array.from({ length: n }, (_, i) => ({ fp: FP, start: i * len, end: (i + 1) * len, text: `line ${i}`, from }));

/** A transport whose sends the test settles one by one. */
class Held implements Transport {
  connected = false;
  sent: string[][] = [];
  private settle: ((err?: Error) => void)[] = [];
  async connect() {
    this.connected = true;
  }
  send(messages: Uint8Array[]) {
    this.sent.push(messages.map((m) => Buffer.from(m).toString()));
    return new Promise<void>((resolve, reject) => this.settle.push((err) => (err ? reject(err) : resolve())));
  }
  async close() {
    this.connected = false;
  }
  /** Settles the i-th send still pending (0: the oldest), once it has been made. */
  async next(err?: Error, i = 0) {
    await until(`send #${i + 1} to be pending`, () => this.settle.length > i, 5000, 1);
    this.settle.splice(i, 1)[0]!(err);
  }
}

function shipperWith(transport: Transport, o: Partial<ConstructorParameters<typeof Shipper>[0]> = {}) {
  const registry = new Registry('/nonexistent', 'r.json');
  registry.save = async () => {}; // the disk side is registry.test's
  const m = registerMetrics(new Metrics('log_shipper'));
  const s = new Shipper(
    { batchMaxRecords: 100, batchMaxBytes: 1 << 20, batchMaxWaitMs: 0, maxBufferBytes: 1 << 20, retryMaxMs: 100, ...o },
    transport,
    new Formatter({ pod: 'pod-1', container: 'app' }, true),
    registry,
    m,
    quiet,
  );
  return { s, registry, m };
}

const idOf = (msg: string) => JSON.parse(msg.slice(msg.indexOf('{'))).id as string;

test('the registry moves only when the receiver has acknowledged the batch, and then to its last record', async () => {
  const t = new Held();
  const { s, registry, m } = shipperWith(t);
  s.start();
  s.enqueue(records(5));
  await until('the first send', () => t.sent.length > 0, 5000, 1);
  assert.is(registry.entries.get(FP), undefined, 'read and sent is not acknowledged');
  assert.is(s.buffered, 50);
  await t.next();
  await s.idle();
  assert.is(registry.entries.get(FP)!.offset, 50);
  assert.is(m.acked.get(), 5);
  assert.is(s.buffered, 0);
  await s.stop();
});

test('a batch that fails is sent again with the same records and the same ids, and the retry is counted', async () => {
  const t = new Held();
  const { s, registry, m } = shipperWith(t);
  s.start();
  s.enqueue(records(3));
  await t.next(new Error('connection lost'));
  await t.next();
  await s.idle();
  assert.is(t.sent.length, 2);
  assert.equal(t.sent[1]!.map(idOf), t.sent[0]!.map(idOf));
  assert.equal(t.sent[0]!.map(idOf), [`${FP}:0-10`, `${FP}:10-20`, `${FP}:20-30`]);
  assert.is(m.retries.get(), 1);
  assert.is(m.failures.get(), 1);
  assert.is(registry.entries.get(FP)!.offset, 30);
  await s.stop();
});

test('batches hold at most batchMaxRecords records and batchMaxBytes bytes', async () => {
  const t = new Held();
  const { s } = shipperWith(t, { batchMaxRecords: 4, batchMaxBytes: 25 });
  s.start();
  s.enqueue(records(7));
  for (let i = 0; i < 4; i++) await t.next();
  await s.idle();
  assert.equal(
    t.sent.map((b) => b.length),
    [2, 2, 2, 1],
  );
  await s.stop();
});

test('two batches fly at once, and the registry moves in the order they were sent even when the second is acknowledged first', async () => {
  const t = new Held();
  const { s, registry } = shipperWith(t, { batchMaxRecords: 2 });
  s.start();
  s.enqueue(records(4));
  await t.next(undefined, 1); // the second batch (records 2 and 3) first
  await quietFor(20, 'the registry moving on the second batch’s ack alone');
  assert.is(t.sent.length, 2, 'both batches were sent before either was acknowledged');
  assert.is(registry.entries.get(FP), undefined, 'the registry waits for the first batch');
  await t.next();
  await s.idle();
  assert.is(registry.entries.get(FP)!.offset, 40);
  await s.stop();
});

test('when a batch fails, every batch not yet acknowledged is sent again, in order', async () => {
  const t = new Held();
  const { s, registry, m } = shipperWith(t, { batchMaxRecords: 2 });
  s.start();
  s.enqueue(records(4));
  await t.next(new Error('lost'));
  await t.next(new Error('lost')); // the session is gone: the second batch fails with it
  await t.next();
  await t.next();
  await s.idle();
  assert.equal(
    t.sent.map((b) => b.map(idOf).join(' ')),
    [`${FP}:0-10 ${FP}:10-20`, `${FP}:20-30 ${FP}:30-40`, `${FP}:0-10 ${FP}:10-20`, `${FP}:20-30 ${FP}:30-40`],
  );
  assert.is(m.retries.get(), 2);
  assert.is(registry.entries.get(FP)!.offset, 40);
  await s.stop();
});

test('the budget is what is left of maxBufferBytes after the bytes read and not acknowledged', async () => {
  const t = new Held();
  const { s } = shipperWith(t, { maxBufferBytes: 100 });
  assert.is(s.budget, 100);
  s.enqueue(records(6));
  assert.is(s.budget, 40);
  s.start();
  await t.next();
  await s.idle();
  assert.is(s.budget, 100);
  await s.stop();
});

test('the reader reads at most two batches ahead: 100-byte records of batches of 2000 leave 400 kB, at least 64 KiB', async () => {
  const t = new Held();
  const { s } = shipperWith(t, { batchMaxRecords: 2000, batchMaxBytes: 1 << 20, maxBufferBytes: 4 << 20 });
  assert.is(s.budget, 64 * 1024, 'before a record is seen: 64 KiB');
  s.enqueue(records(100, 100));
  assert.is(s.budget, 2 * 2000 * 100 - 100 * 100, 'two batches of 2000 records of the mean size, less what is queued');
  const small = shipperWith(new Held(), { batchMaxRecords: 1, maxBufferBytes: 4 << 20 }).s;
  small.enqueue(records(1, 100));
  assert.is(small.budget, 64 * 1024 - 100, 'batches of one record still read 64 KiB ahead');
});

test('the reader waits while more than one batch is queued, and may read again once a batch is taken', async () => {
  const t = new Held();
  const { s } = shipperWith(t, { batchMaxRecords: 2000, batchMaxBytes: 1 << 20, maxBufferBytes: 4 << 20, batchMaxWaitMs: 60_000 });
  let freed = 0;
  s.onFreed = () => freed++;
  s.enqueue(records(2001, 100));
  assert.is(s.budget, 0, 'more than half of two batches is queued');
  s.start();
  await until('the first batch sent', () => t.sent.length === 1, 5000, 1);
  assert.ok(freed >= 1, 'taking the batch told the reader');
  assert.is(s.budget, 2 * 2000 * 100 - 100, 'one record is left in the queue');
  await t.next();
  const idle = s.idle(); // makes the last record due
  await t.next();
  await idle;
  await s.stop();
});

test.run();
