import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GcPacer } from '../src/gc-pacer.js';

test('a collection comes once every so many records read, however they are grouped, and never for passes that read none', () => {
  let collections = 0;
  const p = new GcPacer(1000, () => collections++);
  for (let i = 0; i < 500; i++) p.read(0);
  assert.is(collections, 0, 'idle passes collect nothing');
  for (let i = 0; i < 99; i++) p.read(10);
  assert.is(collections, 0, '990 records: not yet');
  p.read(10);
  assert.is(collections, 1, 'at 1000 records');
  p.read(2500);
  assert.is(collections, 2, 'one collection for a large pass, and the count starts again');
  p.read(999);
  assert.is(collections, 2);
  p.read(1);
  assert.is(collections, 3);
});

test.run();
