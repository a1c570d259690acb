import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BufferPool } from '../src/batch-buffer.js';

test('clear drops the buffers a pool keeps, says how many bytes, and leaves buffers lent out alone', () => {
  const pool = new BufferPool(4);
  const [a, b, c] = [pool.take(100), pool.take(200), pool.take(300)];
  c.fill(7);
  pool.give(a);
  pool.give(b);
  assert.is(pool.take(150), b, 'a kept buffer is reused');
  pool.give(b);
  assert.is(pool.bytes, 300, 'the bytes kept are those given back, not those lent out');
  assert.is(pool.clear(), 300);
  assert.is(pool.bytes, 0);
  assert.is(pool.clear(), 0, 'nothing is left to drop');
  const d = pool.take(150);
  assert.ok(d !== a && d !== b, 'after clear, a take allocates');
  assert.ok(
    c.every((x) => x === 7),
    'the buffer lent out is untouched',
  );
  pool.give(c);
  assert.is(pool.take(300), c, 'a buffer given back after clear is kept again');
});

test.run();
