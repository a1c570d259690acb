import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ApplyGate, type Clock } from '../src/gate.js';

/** A clock the test moves by hand: timers fire only inside advance(). */
class FakeClock implements Clock {
  t = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private ids = 0;
  now() {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number) {
    const id = ++this.ids;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimeout(id: unknown) {
    this.timers = this.timers.filter((t) => t.id !== id);
  }
  /** Moves time forward in 1 ms steps, firing due timers and letting promises settle. */
  async advance(ms: number) {
    for (let i = 0; i < ms; i++) {
      this.t++;
      for (const t of this.timers.filter((x) => x.at <= this.t)) {
        this.clearTimeout(t.id);
        t.fn();
      }
      await flush();
    }
  }
}
const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

/** A gate whose run records the time and the newest value it would apply. */
function setup(intervalMs: number, verdict: (v: number) => boolean = () => true) {
  const clock = new FakeClock();
  let newest = 0;
  const runs: { at: number; value: number }[] = [];
  let inFlight = 0,
    maxInFlight = 0;
  const gate = new ApplyGate(
    intervalMs,
    async () => {
      const at = clock.t,
        value = newest;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await flush();
      inFlight--;
      if (!verdict(value)) return false;
      runs.push({ at, value });
      return true;
    },
    clock,
  );
  const change = (v: number) => {
    newest = v;
    gate.notify();
  };
  return { clock, gate, runs, change, overlap: () => maxInFlight };
}

const test = suite('ApplyGate');

test('a lone change after a quiet spell runs at once', async () => {
  const { clock, runs, change } = setup(1000);
  await clock.advance(5000);
  change(1);
  await flush();
  assert.equal(runs, [{ at: 5000, value: 1 }]);
});

test('20 changes within 1 s run at most 3 times, the last run applies the last change, and runs are >= the interval apart', async () => {
  const { clock, runs, change, overlap } = setup(1000);
  for (let i = 1; i <= 20; i++) {
    change(i);
    await clock.advance(i < 20 ? 50 : 0);
  }
  await clock.advance(3000);
  assert.ok(runs.length >= 2 && runs.length <= 3, `runs: ${JSON.stringify(runs)}`);
  assert.is(runs[0]!.value, 1, 'the first change was not held back');
  assert.is(runs.at(-1)!.value, 20, 'ends at the last value');
  for (let i = 1; i < runs.length; i++) assert.ok(runs[i]!.at - runs[i - 1]!.at >= 1000, `runs ${i - 1} and ${i} are an interval apart`);
  assert.is(overlap(), 1, 'runs never overlap');
});

test('a steady stream of changes is still applied once per interval, never starved', async () => {
  const { clock, runs, change } = setup(500);
  for (let i = 1; i <= 100; i++) {
    change(i);
    await clock.advance(40);
  }
  assert.ok(runs.length >= 8 && runs.length <= 9, `${runs.length} runs in 4 s at one per 500 ms`);
  assert.ok(runs.at(-1)!.value >= 88, `a recent value was applied (${runs.at(-1)!.value})`);
});

test('a run that applied nothing (a rejected value) does not hold back the next change', async () => {
  const { clock, runs, change } = setup(1000, (v) => v !== 2);
  change(1);
  await clock.advance(1500);
  change(2); // rejected
  await clock.advance(10);
  change(3);
  await flush();
  await flush();
  assert.equal(runs, [
    { at: 0, value: 1 },
    { at: 1510, value: 3 },
  ]);
});

test('with interval 0 every change runs, one after another', async () => {
  const { clock, runs, change } = setup(0);
  for (let i = 1; i <= 3; i++) {
    change(i);
    await clock.advance(1);
  }
  await clock.advance(1);
  assert.equal(
    runs.map((r) => r.value),
    [1, 2, 3],
  );
});

test('after stop nothing runs, even a change that was waiting for its interval', async () => {
  const { clock, gate, runs, change } = setup(1000);
  change(1);
  await flush();
  change(2);
  await gate.stop();
  await clock.advance(2000);
  assert.equal(
    runs.map((r) => r.value),
    [1],
  );
});

test.run();
