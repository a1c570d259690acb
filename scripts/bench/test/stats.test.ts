import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { percentile, perRoundDiffs, perRoundRatios, quantile, showSpread, spread } from '../stats.js';

const test = suite('bench statistics');

test('quantile is nearest-rank on sorted samples', () => {
  const s = Float64Array.from({ length: 100 }, (_, i) => i + 1);
  assert.is(quantile(s, 0.5), 50);
  assert.is(quantile(s, 0.99), 99);
  assert.is(quantile(s, 1), 100);
  assert.is(quantile([7], 0.99), 7);
  assert.ok(Number.isNaN(quantile([], 0.5)));
});

test('percentiles of the textbook samples 15, 20, 35, 40, 50 are the nearest-rank ones, whatever their order', () => {
  const samples = [40, 15, 50, 35, 20];
  assert.equal(
    [5, 30, 40, 50, 100].map((p) => percentile(samples, p)),
    [15, 20, 20, 35, 50],
  );
  assert.equal(samples, [40, 15, 50, 35, 20], 'the samples are left in their order');
  assert.ok(Number.isNaN(percentile([], 50)));
});

test('for 1..10 every bench now reports p50 5 and p95 10 (bench:topz used to say 6 and 10, the others 5 and 10)', () => {
  const samples = Array.from({ length: 10 }, (_, i) => i + 1);
  assert.equal([percentile(samples, 50), percentile(samples, 95), percentile(samples, 99)], [5, 10, 10]);
});

test('a percentile is the smallest sample with at least p % of the samples at or below it', () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 50 }),
      fc.integer({ min: 1, max: 100 }),
      (xs, p) => {
        const v = percentile(xs, p);
        const atOrBelow = (x: number) => xs.filter((y) => y <= x).length;
        return (
          xs.includes(v) &&
          atOrBelow(v) >= (p / 100) * xs.length &&
          xs.filter((y) => y < v).every((y) => atOrBelow(y) < (p / 100) * xs.length)
        );
      },
    ),
  );
});

test('spread gives median, min and max, leaving out failed repetitions', () => {
  assert.equal(spread([5, 1, 3]), { median: 3, min: 1, max: 5, runs: [5, 1, 3] });
  assert.is(spread([4, 1, 3, 2]).median, 2.5);
  assert.is(spread([NaN, 2, Infinity, 4]).median, 3);
  assert.ok(Number.isNaN(spread([NaN]).median));
});

test('showSpread prints the median with its range, or n/a', () => {
  assert.is(showSpread(spread([1, 2, 3]), String), '2 (1–3)');
  assert.is(showSpread(spread([2, 2]), String), '2');
  assert.is(showSpread(undefined, String), 'n/a');
});

test('per-round ratios pair the figures of the same round, and a round one side lacks (or a zero divisor) gives NaN', () => {
  assert.equal(perRoundRatios([9, 11, 10], [10, 10, 20]), [0.9, 1.1, 0.5]);
  const gaps = perRoundRatios([1, 2, 3], [2, 0]);
  assert.is(gaps[0], 0.5);
  assert.ok(Number.isNaN(gaps[1]!) && Number.isNaN(gaps[2]!), String(gaps));
  assert.is(spread(gaps).median, 0.5, 'spread leaves the unpaired rounds out');
});

test('the median of per-round ratios is not the ratio of the medians: a round where the reference ran fast counts in its own round only', () => {
  const ours = [900, 1100, 1000],
    ref = [1000, 1000, 2000];
  const r = spread(perRoundRatios(ours, ref));
  assert.equal([r.median, r.min, r.max], [0.9, 0.5, 1.1]);
  assert.is(spread(ours).median / spread(ref).median, 1);
});

test('per-round differences subtract within each round', () => {
  assert.equal(perRoundDiffs([3, 5], [1, 1]), [2, 4]);
  assert.ok(Number.isNaN(perRoundDiffs([3], [1, 1])[1]!));
});

test.run();
