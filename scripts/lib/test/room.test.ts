// The room profile's choice, without Docker: the core checks keep the numbers of a full run, the heavy ones are
// named as skipped, the budget is one more result, and every stack keeps some core checks and names its heavy ones.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Check } from '../check.js';
import { budgetResult, ROOM_BUDGET_S, roomChecks, skippedLines } from '../room.js';
import { loadScenario, stackNames } from '../scenarios.js';
import { checksOfRun } from '../stack-check.js';

const test = suite('room profile');

const check = (name: string, weight?: 'core' | 'heavy'): Check<unknown> => ({ name, ...(weight ? { weight } : {}), run: async () => {} });

test('heavy checks are left out and named; core and unmarked ones run with their numbers in a full run', () => {
  const r = roomChecks([check('a'), check('b', 'heavy'), check('c', 'core'), check('d', 'heavy'), check('e')]);
  assert.equal(
    r.checks.map((c) => c.name),
    ['a', 'c', 'e'],
  );
  assert.equal(r.numbers, [1, 3, 5]);
  assert.equal(r.skipped, [
    { n: 2, name: 'b' },
    { n: 4, name: 'd' },
  ]);
});

test('a scenario’s heavy list leaves out the appended checks it names, and each name it gives is a check of its run', async () => {
  const r = roomChecks([check('a'), check('verify: b'), check('c', 'heavy')], ['verify: b']);
  assert.equal(r.numbers, [1]);
  assert.equal(
    r.skipped.map((s) => s.n),
    [2, 3],
  );
  for (const stack of stackNames()) {
    const sc = await loadScenario(stack);
    const names = checksOfRun(sc).map((c) => c.name);
    for (const h of sc.heavy ?? []) assert.ok(names.includes(h), `${stack}: heavy names "${h}", which its run does not have`);
  }
});

test('the skipped lines name each heavy check with its number, and say so when none is skipped', () => {
  assert.equal(skippedLines('logs', [{ n: 4, name: 'the sidecar killed mid-batch' }]), [
    '  room profile: 1 heavy check(s) skipped (run them with npm run stack:logs):',
    '    - 4. the sidecar killed mid-batch',
  ]);
  assert.equal(skippedLines('x', []), ['  room profile: every check of x is core; none skipped']);
});

test('the budget passes up to 90 s and fails past it, saying by how much', () => {
  assert.is(ROOM_BUDGET_S, 90);
  assert.ok(budgetResult('paas', 90_000).ok);
  const over = budgetResult('paas', 95_400);
  assert.not.ok(over.ok);
  assert.is(over.error?.message, 'took 95 s, over the 90 s budget');
  assert.match(over.name, /^room: the paas run ends within its 90 s budget \(95 s\)$/);
});

test('every stack runs at least five core checks in the room, and mesh and logs leave out their load and outage checks', async () => {
  const skipped: Record<string, number[]> = {};
  for (const stack of stackNames()) {
    const sc = await loadScenario(stack);
    const r = roomChecks(checksOfRun(sc), sc.heavy);
    assert.ok(r.checks.length >= 5, `${stack}: only ${r.checks.length} core checks`);
    skipped[stack] = r.skipped.map((s) => s.n);
  }
  // Each also leaves out the lab's actions (a restart of a helper), after the lab's picture: mesh's 16, logs' 10.
  assert.equal(skipped.mesh, [3, 4, 5, 6, 7, 8, 9, 10, 12, 16, 17, 18, 19, 20, 21]);
  assert.equal(skipped.logs, [3, 4, 5, 6, 10]);
});

test.run();
