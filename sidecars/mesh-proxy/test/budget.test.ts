// The retry budget, on a fake clock: over the last 10 s, retries may be at most percent × requests plus
// min-per-second × 10, and what was spent comes back as the seconds it was spent in leave the window.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RetryBudget } from '../src/budget.js';
import { fakeClock } from './clock.js';

const test = suite('retry budget');

/** Withdraws until the budget says no: how many it gave. */
const drain = (b: RetryBudget) => {
  let n = 0;
  while (b.withdraw()) if (++n > 100_000) throw new Error('the budget never ran out');
  return n;
};
const requests = (b: RetryBudget, n: number) => {
  for (let i = 0; i < n; i++) b.request();
};

test('retries allowed are percent × requests + min × 10 s, rounded down', () => {
  const clock = fakeClock();
  const b = new RetryBudget(20, 1, clock.now);
  requests(b, 50);
  assert.is(drain(b), 20, '50 × 20% + 1 × 10');
  const c = new RetryBudget(25, 0, fakeClock().now);
  requests(c, 7);
  assert.is(drain(c), 1, '7 × 25% = 1.75');
});

test('with no requests yet, only the minimum is there', () => {
  assert.is(drain(new RetryBudget(20, 3, fakeClock().now)), 30);
});

test('a budget of 0% and no minimum allows no retry at all', () => {
  const b = new RetryBudget(0, 0, fakeClock().now);
  requests(b, 1000);
  assert.is(drain(b), 0);
});

test('requests after the budget is spent make room for more retries, at the percentage', () => {
  const b = new RetryBudget(20, 0, fakeClock().now);
  requests(b, 10);
  assert.is(drain(b), 2);
  requests(b, 4);
  assert.is(drain(b), 0, '14 × 20% = 2.8: still 2');
  requests(b, 1);
  assert.is(drain(b), 1, '15 × 20% = 3');
});

test('what was spent comes back when its second leaves the 10 s window, not before', () => {
  const clock = fakeClock(1_000_000);
  const b = new RetryBudget(20, 1, clock.now);
  requests(b, 10);
  assert.is(drain(b), 12, 'second 0: 10 × 20% + 10');
  clock.advance(5000);
  requests(b, 10);
  assert.is(drain(b), 2, 'second 5: 20 requests in the window allow 14, 12 are spent');
  clock.advance(4999);
  assert.is(drain(b), 0, 'second 9.999: all of it is still in the window');
  clock.advance(1);
  assert.is(drain(b), 10, 'second 10: second 0 has left; 10 requests and 2 retries remain, so 12 - 2');
  clock.advance(5000);
  assert.is(drain(b), 0, 'second 15: the retries of second 10 are still in the window');
  clock.advance(5000);
  assert.is(drain(b), 10, 'second 20: the window is empty again, only the minimum');
});

test('a jump of more than the window clears everything, and time going back spends from the current second', () => {
  const clock = fakeClock(50_000);
  const b = new RetryBudget(50, 1, clock.now);
  requests(b, 100);
  assert.is(drain(b), 60);
  clock.advance(3_600_000);
  assert.is(drain(b), 10);
  clock.advance(-2000);
  assert.is(drain(b), 0, 'a clock step back does not give the budget again');
});

test.run();
