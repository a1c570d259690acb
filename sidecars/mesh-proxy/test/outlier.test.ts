// Outlier ejection (Envoy's consecutive_5xx), on a fake clock: N failed tries in a row eject an endpoint,
// a success in between starts the count again, each ejection lasts base × (times ejected), and at most
// max-percent of the endpoints are out at once, though one always may be.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fresh, OutlierDetector, type OutlierState } from '../src/outlier.js';
import { fakeClock } from './clock.js';

const test = suite('outlier ejection');

function detector(o: { consecutive?: number; baseMs?: number; maxPercent?: number } = {}) {
  const clock = fakeClock(1_000_000);
  const ejected: number[] = [];
  const d = new OutlierDetector({ consecutive: 3, baseMs: 1000, maxPercent: 100, ...o, onEject: (ms) => ejected.push(ms) }, clock.now);
  return { d, clock, ejected };
}
const endpoints = (n: number) => Array.from({ length: n }, fresh);
/** Fails s n times; the results of each failure() call. */
const fail = (d: OutlierDetector, s: OutlierState, all: OutlierState[], n: number) => Array.from({ length: n }, () => d.failure(s, all));

test('an endpoint is ejected by its N-th consecutive failure, not before', () => {
  const { d, ejected } = detector({ consecutive: 3 });
  const all = endpoints(3);
  assert.equal(fail(d, all[0]!, all, 3), [false, false, true]);
  assert.ok(d.isEjected(all[0]!));
  assert.not.ok(d.isEjected(all[1]!));
  assert.equal(ejected, [1000]);
});

test('a success resets the count of consecutive failures', () => {
  const { d } = detector({ consecutive: 3 });
  const all = endpoints(3);
  const s = all[0]!;
  fail(d, s, all, 2);
  d.success(s);
  assert.equal(fail(d, s, all, 2), [false, false]);
  assert.not.ok(d.isEjected(s));
  assert.equal(fail(d, s, all, 1), [true]);
});

test('an ejected endpoint returns when its ejection time has passed, and not a millisecond before', () => {
  const { d, clock } = detector({ baseMs: 1000 });
  const all = endpoints(2);
  fail(d, all[0]!, all, 3);
  clock.advance(999);
  assert.ok(d.isEjected(all[0]!));
  clock.advance(1);
  assert.not.ok(d.isEjected(all[0]!));
});

test('the n-th ejection of an endpoint lasts n × the base time', () => {
  const { d, clock, ejected } = detector({ baseMs: 1000 });
  const all = endpoints(2);
  const s = all[0]!;
  for (let n = 1; n <= 3; n++) {
    assert.equal(fail(d, s, all, 3), [false, false, true], `ejection ${n}`);
    clock.advance(n * 1000 - 1);
    assert.ok(d.isEjected(s), `still out just before ${n} × base`);
    clock.advance(1);
    assert.not.ok(d.isEjected(s));
  }
  assert.equal(ejected, [1000, 2000, 3000]);
  assert.is(s.ejections, 3);
});

test('failures of an endpoint already ejected neither eject it again nor lengthen its ejection', () => {
  const { d, clock, ejected } = detector({ baseMs: 1000 });
  const all = endpoints(2);
  const s = all[0]!;
  fail(d, s, all, 3);
  const until = s.ejectedUntil;
  clock.advance(500);
  assert.equal(fail(d, s, all, 5), [false, false, false, false, false]);
  assert.is(s.ejectedUntil, until);
  assert.equal(ejected, [1000]);
});

test('at most max-percent of the endpoints are ejected at once; past the cap an endpoint stays in', () => {
  const { d } = detector({ maxPercent: 20 });
  const all = endpoints(10);
  for (const s of all.slice(0, 2)) assert.equal(fail(d, s, all, 3), [false, false, true]);
  assert.equal(fail(d, all[2]!, all, 5), [false, false, false, false, false], '2 of 10 is the cap at 20%');
  assert.is(all.filter((s) => d.isEjected(s)).length, 2);
});

test('one endpoint is always ejectable, even when the percentage rounds to none or is 0', () => {
  for (const maxPercent of [0, 10, 30]) {
    const { d } = detector({ maxPercent });
    const all = endpoints(3);
    assert.equal(fail(d, all[0]!, all, 3), [false, false, true], `${maxPercent}%`);
    assert.equal(fail(d, all[1]!, all, 3), [false, false, false], `${maxPercent}% of 3 rounds down to 0: only one`);
  }
});

test('an endpoint held in by the cap is ejected by its next failure once room is made', () => {
  const { d, clock } = detector({ maxPercent: 10, baseMs: 1000 });
  const all = endpoints(3);
  fail(d, all[0]!, all, 3);
  assert.equal(fail(d, all[1]!, all, 4), [false, false, false, false]);
  clock.advance(1000);
  assert.equal(fail(d, all[1]!, all, 1), [true], 'its failures kept counting while it was held in');
  assert.not.ok(d.isEjected(all[0]!));
  assert.ok(d.isEjected(all[1]!));
});

test.run();
