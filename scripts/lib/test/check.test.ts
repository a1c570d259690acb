import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CheckFailure, eventually, expect, runChecks, throughout } from '../check.js';

const test = suite('scenario assertions');

/** The CheckFailure a call throws; fails the test when it does not throw one. */
function failure(fn: () => void): CheckFailure {
  try {
    fn();
  } catch (e) {
    assert.instance(e, CheckFailure);
    return e as CheckFailure;
  }
  assert.unreachable('should throw a CheckFailure');
  throw new Error('unreachable');
}

test('expect.equal tells NaN from null and undefined from a missing key, which JSON cannot', () => {
  failure(() => expect.equal<unknown>(NaN, null, 'NaN'));
  failure(() => expect.equal<unknown>({ a: undefined }, {}, 'undefined key'));
  failure(() => expect.equal<unknown>([1, 2], [2, 1], 'order of an array'));
  expect.equal(NaN, NaN, 'NaN is NaN');
});

test('expect.equal ignores the order of keys, and its failure carries both values', () => {
  expect.equal({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }, 'same object');
  const f = failure(() => expect.equal({ pid: 7 }, { pid: 8 }, 'the pid'));
  assert.equal([f.message, f.expected, f.received], ['the pid', { pid: 8 }, { pid: 7 }]);
});

test('eventually retries until the call succeeds and returns its value', async () => {
  let calls = 0;
  const v = await eventually(
    async () => {
      if (++calls < 3) throw new Error('not yet');
      return 'done';
    },
    { within: 2000, every: 5 },
  );
  assert.equal([v, calls], ['done', 3]);
});

test('eventually rethrows the last error once the deadline has passed', async () => {
  let calls = 0;
  try {
    await eventually(
      async () => {
        throw new Error(`attempt ${++calls}`);
      },
      { within: 50, every: 10 },
    );
    assert.unreachable('should throw');
  } catch (e) {
    assert.is((e as Error).message, `attempt ${calls}`);
    assert.ok(calls >= 2, `tried ${calls} times`);
  }
});

test('throughout runs the call for the whole window and resolves when it never failed', async () => {
  const t0 = Date.now();
  const runs = await throughout(async () => expect.equal(1, 1, 'one'), { window: 200, every: 10 });
  assert.ok(Date.now() - t0 >= 200, `resolved after ${Date.now() - t0} ms`);
  // Called again after the first success, and with its pause between calls: at most one call per 10 ms of the
  // window, plus the first. (A loaded machine makes fewer calls, never more.)
  assert.ok(runs >= 2 && runs <= 21, `ran ${runs} times`);
});

test('throughout rethrows the first failure in the window at once', async () => {
  let calls = 0;
  const t0 = Date.now();
  const f = await throughout(
    async () => {
      if (++calls === 2) throw new CheckFailure('changed', 'a', 'b');
    },
    { window: 5000, every: 5 },
  ).catch((e: Error) => e);
  assert.instance(f, CheckFailure);
  assert.is(calls, 2);
  assert.ok(Date.now() - t0 < 1000, `failed after ${Date.now() - t0} ms`);
});

test('runChecks runs every check after a failure and prints EXPECTED and RECEIVED for it', async () => {
  const lines: string[] = [];
  const results = await runChecks(
    [
      { name: 'fails', run: async () => expect.equal(1, 2, 'one is two') },
      {
        name: 'throws',
        run: async () => {
          throw new TypeError('a bug');
        },
      },
      { name: 'passes', run: async () => {} },
    ],
    {},
    (l) => lines.push(l),
  );
  assert.equal(
    results.map((r) => [r.name, r.ok]),
    [
      ['fails', false],
      ['throws', false],
      ['passes', true],
    ],
  );
  assert.ok(lines.some((l) => l.includes('EXPECTED: 2')) && lines.some((l) => l.includes('RECEIVED: 1')), lines.join('\n'));
  assert.ok(lines.some((l) => l.startsWith('  ✔ 3. passes')));
});

test('expect.rejects returns the error a call throws and fails when it resolves', async () => {
  const e = await expect.rejects(async () => {
    throw new RangeError('no');
  }, 'must throw');
  assert.instance(e, RangeError);
  try {
    await expect.rejects(async () => 42, 'must throw');
    assert.unreachable('should fail');
  } catch (err) {
    assert.instance(err, CheckFailure);
  }
});

test.run();
