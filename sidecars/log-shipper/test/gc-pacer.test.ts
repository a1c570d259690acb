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

test('a burst over gives its memory back once: release, then one collection, and not again until another burst', () => {
  const calls: string[] = [];
  const p = new GcPacer(20_000, () => calls.push('collect'), 1000);
  const release = () => calls.push('release');
  p.read(999);
  assert.is(p.idle(release), false, 'a trickle of 999 records releases nothing');
  p.read(1);
  assert.is(p.idle(release), true, 'at 1000 records since the last release');
  assert.equal(calls, ['release', 'collect'], 'the buffers are dropped before the collection that frees them');
  assert.is(p.idle(release), false, 'a second idle moment with nothing read in between');
  assert.is(p.idle(release), false);
  assert.is(calls.length, 2);
  p.read(5000);
  assert.is(p.idle(release), true, 'the next burst');
  assert.equal(calls, ['release', 'collect', 'release', 'collect']);
});

test('an idle release starts the paced count again: the next paced collection is a full interval later', () => {
  let collections = 0;
  const p = new GcPacer(1000, () => collections++, 100);
  p.read(900);
  p.idle(() => {});
  assert.is(collections, 1);
  p.read(999);
  assert.is(collections, 1, 'not 100 records after the idle one');
  p.read(1);
  assert.is(collections, 2);
});

test.run();
