import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { planGc, Retirements } from '../src/gc.js';

const test = suite('worktree gc');
const [A, B, C, D] = ['a', 'b', 'c', 'd'].map((c) => c.repeat(40)) as [string, string, string, string];
const GRACE = 10_000;

test('the current tree is kept even when it is old and unused', () => {
  const plan = planGc([A], { current: A, retiredAt: new Map([[A, 0]]), now: 1e9, graceMs: GRACE, inUse: new Set() });
  assert.equal(plan, { remove: [], keep: [{ sha: A, why: 'current' }] });
});

test('a retired tree is kept until its grace period is over, then removed', () => {
  const retiredAt = new Map([[B, 1000]]);
  const at = (now: number) => planGc([A, B], { current: A, retiredAt, now, graceMs: GRACE, inUse: new Set() });
  assert.equal(at(1000 + GRACE - 1).remove, []);
  assert.equal(at(1000 + GRACE - 1).keep[1], { sha: B, why: 'grace' });
  assert.equal(at(1000 + GRACE).remove, [B]);
});

test('a tree past its grace period that a process still uses is kept, and removed once it is not', () => {
  const o = { current: A, retiredAt: new Map([[C, 0]]), now: GRACE * 5, graceMs: GRACE };
  assert.equal(planGc([A, C], { ...o, inUse: new Set([C]) }).keep[1], { sha: C, why: 'in use' });
  assert.equal(planGc([A, C], { ...o, inUse: new Set() }).remove, [C]);
});

test('a retired tree a process was seen using starts its grace again from then, and is removed a grace period after', () => {
  let now = 0;
  const r = new Retirements(() => now);
  r.update([A, B], A);
  now = GRACE * 3;
  const retiredAt = r.seen(new Set([B]));
  const at = (t: number) => planGc([A, B], { current: A, retiredAt, now: t, graceMs: GRACE, inUse: new Set() });
  assert.equal(at(now + GRACE - 1).keep[1], { sha: B, why: 'grace' }, 'a server of B may have handed out /r/B/ links just now');
  assert.equal(at(now + GRACE).remove, [B]);
  assert.equal([...r.seen(new Set([C]))], [[B, GRACE * 3]], 'a tree not retired is not started by a scan');
});

test('a tree with no known retirement time is never removed on sight', () => {
  assert.equal(planGc([A, D], { current: A, retiredAt: new Map(), now: 5, graceMs: 1, inUse: new Set() }).remove, []);
});

test('retirements start when a tree is first seen not current, stop while it is current again, and forget removed trees', () => {
  let now = 100;
  const r = new Retirements(() => now);
  assert.equal([...r.update([A, B], A)], [[B, 100]]);
  now = 200;
  assert.equal([...r.update([A, B], A)], [[B, 100]], 'the clock does not restart on every update');
  assert.equal([...r.update([A, B], B)], [[A, 200]], 'B is current again: its grace is cancelled; A retires now');
  now = 300;
  assert.equal(
    [...r.update([A, B, C], C)],
    [
      [A, 200],
      [B, 300],
    ],
  );
  assert.equal([...r.update([C], C)], [], 'removed trees are forgotten');
});

test.run();
