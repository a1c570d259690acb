import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { quantile, showSpread, spread } from '../stats.js';

const test = suite('bench statistics');

test('quantile is nearest-rank on sorted samples', () => {
  const s = Float64Array.from({ length: 100 }, (_, i) => i + 1);
  assert.is(quantile(s, 0.5), 50);
  assert.is(quantile(s, 0.99), 99);
  assert.is(quantile(s, 1), 100);
  assert.is(quantile([7], 0.99), 7);
  assert.ok(Number.isNaN(quantile([], 0.5)));
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

test.run();
