import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { EtcdClient } from '../src/etcd.js';
import { backoff, KeyWatcher, type Update } from '../src/watcher.js';
import { FakeEtcd } from './fake-etcd.js';
import { until } from '../../lib/test-support/wait.js';

const wait = suite('backoff');

wait('starts at the base, doubles, stops at the maximum, and jitters by at most 20 %', () => {
  const mid = () => 0.5;
  assert.equal(
    [0, 1, 2, 3, 4, 5, 6].map((n) => backoff(n, 100, 2000, mid)),
    [100, 200, 400, 800, 1600, 2000, 2000],
  );
  assert.is(
    backoff(2, 100, 2000, () => 0),
    320,
  );
  assert.is(
    backoff(2, 100, 2000, () => 1),
    480,
  );
  assert.is(
    backoff(99, 100, 2000, () => 1),
    2000,
    'never above the maximum, jitter included',
  );
});

wait.run();

interface Ctx {
  etcd: FakeEtcd;
  w: KeyWatcher;
  seen: Update[];
  up: boolean[];
  failures: string[];
}
const test = suite<Ctx>('KeyWatcher', {} as Ctx);

test.before.each(async (ctx) => {
  ctx.etcd = await new FakeEtcd().start();
  ctx.seen = [];
  ctx.up = [];
  ctx.failures = [];
  ctx.w = new KeyWatcher(
    new EtcdClient(ctx.etcd.url, 1000),
    '/cfg',
    { retryMaxMs: 200, idleMs: 5000, retryBaseMs: 20 },
    {
      update: (u) => ctx.seen.push(u),
      connected: (b) => ctx.up.push(b),
      failed: (e) => ctx.failures.push(e),
    },
  );
});
test.after.each(async (ctx) => {
  await ctx.w.stop();
  await ctx.etcd.stop();
});

const values = (seen: Update[]) => seen.map((u) => (u.value === null ? null : u.value.toString()));

test('it reads the key first, then streams each later change from the next revision', async ({ etcd, w, seen, up }) => {
  etcd.put('/cfg', 'v1');
  w.start();
  await until('the first read', () => seen.length === 1);
  etcd.put('/cfg', 'v2');
  etcd.put('/elsewhere', 'x');
  etcd.delete('/cfg');
  await until('the change and the deletion', () => seen.length === 3);
  assert.equal(values(seen), ['v1', 'v2', null]);
  assert.equal(
    seen.map((u) => [u.revision, Boolean(u.read)]),
    [
      [2, true],
      [3, false],
      [5, false],
    ],
  );
  assert.equal(etcd.watchStarts, [3], 'the watch starts right after the revision that was read');
  assert.equal(up, [true]);
});

test('a key that does not exist yet is reported once as absent, then its first value arrives by the watch', async ({ etcd, w, seen }) => {
  w.start();
  await until('the first read', () => seen.length === 1);
  assert.equal([seen[0]!.value, seen[0]!.read], [null, true]);
  etcd.put('/cfg', 'first');
  await until('the first value', () => seen.length === 2);
  assert.is(seen[1]!.value?.toString(), 'first');
});

test('a dropped stream is re-opened after the last revision seen, so changes made meanwhile arrive and none twice', async ({
  etcd,
  w,
  seen,
  up,
  failures,
}) => {
  etcd.put('/cfg', 'v1');
  w.start();
  await until('the watch', () => up.length === 1);
  etcd.dropWatches();
  etcd.put('/cfg', 'v2 (made while no stream was open)');
  await until('the change made meanwhile', () => seen.length === 2);
  assert.equal(values(seen), ['v1', 'v2 (made while no stream was open)']);
  assert.equal(etcd.watchStarts, [3, 3], 'resumed from revision 3 again: nothing was seen after 2');
  assert.is(etcd.ranges, 1, 'the key was read only once');
  assert.equal(up, [true, false, true]);
  assert.is(failures.length, 1);
});

test('an outage is retried with back-off until etcd answers, then the newest value arrives', async ({ etcd, w, seen, failures }) => {
  etcd.put('/cfg', 'before');
  w.start();
  await until('the first read', () => seen.length === 1);
  await etcd.stop();
  await until('a few failed attempts', () => failures.length >= 3);
  assert.match(failures.join('\n'), /ECONNREFUSED/);
  await etcd.start();
  etcd.put('/cfg', 'after');
  await until('the newest value', () => values(seen).includes('after'), 3000);
  assert.equal(values(seen), ['before', 'after']);
});

test('after a progress notification the watch resumes after its revision', async ({ etcd, w, up }) => {
  etcd.put('/cfg', 'v1');
  w.start();
  await until('the watch', () => up.length === 1);
  etcd.put('/other', 'a');
  etcd.put('/other', 'b');
  etcd.progress();
  await until('the progress notification', () => w.next === 5);
  etcd.dropWatches();
  await until('the watch again', () => etcd.watchStarts.length === 2);
  assert.equal(etcd.watchStarts, [3, 5]);
});

test('when etcd has compacted past the revision to resume from, the key is read again', async ({ etcd, w, seen, up }) => {
  etcd.put('/cfg', 'v1');
  w.start();
  await until('the watch', () => up.length === 1);
  await etcd.stop();
  await until('the disconnect', () => up.length === 2);
  await etcd.start();
  etcd.put('/cfg', 'v2');
  etcd.put('/cfg', 'v3');
  etcd.compact(4);
  await until('the newest value', () => values(seen).includes('v3'), 3000);
  assert.equal(values(seen), ['v1', 'v3'], 'v2 was compacted away; the newest value is what counts');
  assert.is(seen[1]!.read, true, 'it came from reading the key again');
  assert.ok(etcd.ranges >= 2);
});

test('stop ends the loop while it waits between attempts', async ({ etcd, w, failures }) => {
  await etcd.stop();
  w.start();
  await until('a failure', () => failures.length >= 1);
  const t0 = Date.now();
  await w.stop();
  assert.ok(Date.now() - t0 < 150, `stopped in ${Date.now() - t0} ms`);
  await etcd.start();
});

test.run();
