import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FailureBudget } from '../src/budget.js';

const test = suite('failure budget');

test('failures up to the maximum are retried; one more exhausts the budget', () => {
  const b = new FailureBudget(3);
  assert.equal([b.failure(), b.failure(), b.failure()], ['retry', 'retry', 'retry']);
  assert.is(b.remaining, 0);
  assert.is(b.failure(), 'exhausted');
  assert.is(b.consecutive, 4);
});

test('a success resets the run, so scattered failures never exhaust it', () => {
  const b = new FailureBudget(2);
  for (let i = 0; i < 10; i++) {
    assert.is(b.failure(), 'retry');
    assert.is(b.failure(), 'retry');
    b.success();
    assert.is(b.consecutive, 0);
  }
  assert.is(b.remaining, 2);
});

test('a budget of 0 gives up on the first failure', () => {
  assert.is(new FailureBudget(0).failure(), 'exhausted');
});

test.run();
