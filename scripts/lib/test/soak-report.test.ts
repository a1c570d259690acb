// The soak's verdict (scripts/lib/soak/report.ts): which minutes it compares, how it reads memory growth
// and descriptors, and that every missed goal is named.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { markdown, type Timed, verdict, windows } from '../soak/report.js';
import type { MinuteCounts } from '../stack-types.js';

const test = suite('the soak verdict');

/** Six samples a minute for `minutes` minutes, one sidecar, memory and descriptors given per minute. */
function run(minutes: number, rss: (m: number) => number, fds: (m: number) => number = () => 20): Timed[] {
  const out: Timed[] = [];
  for (let m = 1; m <= minutes; m++)
    for (let k = 0; k < 6; k++) out.push({ minute: m, samples: [{ service: 'proxy', rss: rss(m), fds: fds(m), errors: 0, restarts: 0 }] });
  return out;
}
const quiet = (minutes: number, failed = 0): MinuteCounts[] =>
  Array.from({ length: minutes }, (_, i) => ({ requests: 100, failed: i === 0 ? failed : 0, rotations: 1 }));

test('a 30-minute run compares minutes 5-10 with the last five, 26-30', () => {
  assert.equal(windows(30), { early: [5, 10], late: [26, 30] });
});

test('a run under 15 minutes compares its first and last thirds', () => {
  assert.equal(windows(6), { early: [1, 2], late: [5, 6] });
  assert.equal(windows(1), { early: [1, 1], late: [1, 1] });
});

test('memory that warms up and then holds steady meets the goal, whatever the first minutes did', () => {
  const v = verdict(
    run(30, (m) => (m < 5 ? 40 + m * 5 : 60)),
    quiet(30),
    30,
  );
  assert.is(v.sidecars[0]!.growth, 0);
  assert.equal(v.missed, []);
});

test('memory that climbs 1 MiB a minute after warm-up misses the goal, and the line says by how much', () => {
  const v = verdict(
    run(30, (m) => 50 + m),
    quiet(30),
    30,
  );
  // Medians, nearest rank: minutes 5-10 (55-60 MiB, six samples each) -> 57; minutes 26-30 -> 78.
  assert.is(v.sidecars[0]!.early, 57);
  assert.is(v.sidecars[0]!.late, 78);
  assert.equal(v.missed, ['proxy: resident memory grew 36.8% (goal: at most 10%)']);
});

test('descriptors that climb are a missed goal; a handful of difference is not', () => {
  assert.equal(
    verdict(
      run(
        30,
        () => 50,
        (m) => 20 + (m % 3),
      ),
      quiet(30),
      30,
    ).missed,
    [],
  );
  // Medians: 27 in minutes 5-10, 48 in minutes 26-30.
  const climbing = verdict(
    run(
      30,
      () => 50,
      (m) => 20 + m,
    ),
    quiet(30),
    30,
  );
  assert.equal(climbing.missed, ['proxy: open descriptors climbed by 21 (goal: flat, at most 5)']);
});

test('a failed request and a lost line are each a missed goal, and the totals add every minute', () => {
  const v = verdict(
    run(30, () => 50),
    quiet(30, 2),
    30,
    { lost: 3, duplicated: 1 },
  );
  assert.equal([v.requests, v.failed, v.rotations, v.lost, v.duplicated], [3000, 2, 30, 3, 1]);
  assert.equal(v.missed, ['2 of 3000 requests failed (goal: 0)', '3 lines lost (goal: 0)']);
  assert.match(markdown(v).join('\n'), '30 minutes: 3000 sent, 2 failed, 30 rotations, 3 lines lost, 1 duplicated.');
});

test.run();
