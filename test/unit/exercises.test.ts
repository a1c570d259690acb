// The declared exercises (stacks/<stack>/exercises.ts) and what is made of them: each lesson's Exercises section is
// generated from its declarations, every exercise has a text, hints, a solution and a way back, a solution's diff
// touches only the files --reset restores, and the helpers of `npm run exercise` do what they say.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, STATE_DIR } from '../../scripts/lib/config.js';
import { exercisesMarkdown, exerciseLessons } from '../../scripts/lib/exercise/lesson.js';
import { commandSteps, nextHints, runOf, solutionText } from '../../scripts/lib/exercise/run.js';
import { type Exercise, otherRuns, upArgs } from '../../scripts/lib/exercise/types.js';
import { shellCommands } from '../../scripts/lib/lesson.js';
import { breakStacks, exerciseStacks, loadExercises, stackNames } from '../../scripts/lib/scenarios.js';

const test = suite('exercises');
const tracked = new Set(execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n'));

test('every lesson declares its exercises', () => {
  assert.equal(exerciseStacks(), stackNames());
});

test('each lesson’s Exercises section is what its exercises.ts and breaks.ts generate (npm run gen writes it)', async () => {
  const lessons = await exerciseLessons();
  assert.is(lessons.length, new Set([...exerciseStacks(), ...breakStacks()]).size);
  for (const l of lessons) assert.fixture(l.current, l.wanted, `${relative(ROOT, l.path)} drifted from exercises.ts: run npm run gen`);
});

for (const stack of exerciseStacks()) {
  test(`every ${stack} exercise has a title, a text, hints, a solution whose diff applies, and a way back for what it changes`, async () => {
    const all = await loadExercises(stack);
    assert.ok(all.length >= 1);
    for (const [i, e] of all.entries()) {
      const at = `${stack} exercise ${i + 1}`;
      assert.match(e.title, /^[A-Z].*[.?]$/, `${at}: a title that is a sentence`);
      assert.ok(e.text.trim().length > 40, `${at}: a text`);
      assert.ok(e.hints.length >= 1, `${at}: at least one hint`);
      assert.ok(e.solution.patch || e.solution.commands?.length, `${at}: a solution (a diff or commands)`);
      for (const p of e.touches ?? []) assert.ok(tracked.has(p), `${at}: touches ${p}, which git does not track`);
      const patched = [...(e.solution.patch ?? '').matchAll(/^\+\+\+ b\/(.+)$/gm)].map((m) => m[1]!);
      assert.equal(
        patched.filter((p) => !e.touches?.includes(p)),
        [],
        `${at}: its diff changes only files --reset restores`,
      );
      if (e.solution.patch) assert.ok(e.touches?.length, `${at}: a diff, so --reset has files to restore`);
      if (e.solution.patch) {
        const r = spawnSync('git', ['apply', '--check', '-'], { cwd: ROOT, input: e.solution.patch, encoding: 'utf8' });
        assert.is(r.status, 0, `${at}: its diff applies to the tree as it is: ${r.stderr.trim()}`);
      }
    }
  });

  test(`the ${stack} lesson’s exercise commands are sorted as exercise steps, none as a reader’s manual step`, async () => {
    const lesson = (await exerciseLessons()).find((l) => l.path === join(ROOT, 'stacks', stack, 'README.md'))!;
    const steps = shellCommands(lesson.wanted).filter((c) => c.section === 'Exercises');
    assert.ok(steps.length >= 1, `${stack}: its Exercises have commands`);
    assert.equal(
      steps.filter((c) => c.kind !== 'exercise').map((c) => c.line),
      [],
    );
  });
}

const sample: Exercise = {
  title: 'Sample.',
  text: 'Do it.\n\n```sh\nnpm run stack:https -- apply\n```',
  hints: ['one', 'two'],
  solution: { patch: '--- a/x\n+++ b/x\n', commands: ['a="$CA"', 'echo "$a"', 'npm run stack:https -- apply', 'true'] },
  check: async () => ({ ok: false, reason: 'never' }),
};

test('the generated section numbers the exercises and indents each text under its number', () => {
  const md = exercisesMarkdown('https', [sample, { ...sample, title: 'Second.' }]);
  assert.match(md, '`npm run exercise -- https N`');
  assert.match(md, /^1\. \*\*Sample\.\*\* Do it\.\n\n {3}```sh\n {3}npm run stack:https -- apply\n {3}```$/m);
  assert.match(md, /^2\. \*\*Second\.\*\* /m);
});

test('a solution’s shell lines run as one script, so variables carry, and npm run lines as the built node command', () => {
  const steps = commandSteps(sample.solution.commands!);
  assert.equal(
    steps.map((s) => [s.bin === 'bash' ? 'bash' : 'node', s.args.at(-1)]),
    [
      ['bash', 'a="$CA"\necho "$a"'],
      ['node', 'apply'],
      ['bash', 'true'],
    ],
  );
  assert.equal(steps[1]!.args, ['dist/scripts/stack.js', 'https', 'apply']);
});

test('an npm run line keeps the variables set before it, and one ending in || true may fail; a shell line keeps both as written', () => {
  const steps = commandSteps([
    'CERT_CURVE=no-such-curve A=1 npm run stack:patterns -- up || true',
    'npm run stack:https -- apply',
    'X=1 echo hi || true',
  ]);
  assert.equal(
    steps.map((s) => ({ args: s.args.slice(1), env: s.env, mayFail: s.mayFail })),
    [
      { args: ['patterns', 'up'], env: { CERT_CURVE: 'no-such-curve', A: '1' }, mayFail: true },
      { args: ['https', 'apply'], env: {}, mayFail: false },
      { args: ['pipefail', '-c', 'X=1 echo hi || true'], env: {}, mayFail: false },
    ],
  );
});

test('the solution shows the diff, then the commands, with the eval that sets their variables first', () => {
  const text = solutionText('https', sample);
  assert.match(text, /^apply this diff \(git apply, from the repository root\):\n\n--- a\/x\n\+\+\+ b\/x\n\nthen run:\n/);
  assert.match(text, /then run:\n\n {2}eval "\$\(npm run -s stack:https -- urls --env\)"\n {2}a="\$CA"/);
});

test('an exercise on another stack’s run takes that run, its urls in the solution’s eval, and the proof starts it once', () => {
  const onHttps: Exercise = { ...sample, run: { stack: 'https', with: ['topz'] } };
  assert.equal(runOf('topz', onHttps), { stack: 'https', choice: { with: ['topz'] } });
  assert.equal(runOf('topz', sample), { stack: 'topz', choice: {} });
  assert.match(solutionText('topz', onHttps), 'eval "$(npm run -s stack:https -- urls --env)"');
  assert.equal(otherRuns([sample, onHttps, onHttps]), [{ stack: 'https', with: ['topz'] }]);
  assert.equal(upArgs({ stack: 'https', with: ['topz'] }), ['https', 'up', '--with', 'topz']);
});

test('each --hint shows one more hint, remembered in .state, up to all of them', () => {
  const stack = `hints-test-${process.pid}`;
  try {
    assert.equal(nextHints(stack, 2, sample), ['one']);
    assert.equal(nextHints(stack, 2, sample), ['one', 'two']);
    assert.equal(nextHints(stack, 2, sample), ['one', 'two']);
    assert.equal(nextHints(stack, 1, sample), ['one'], 'another exercise counts on its own');
  } finally {
    rmSync(join(STATE_DIR, 'exercises', `${stack}.json`), { force: true });
  }
  assert.not.ok(existsSync(join(STATE_DIR, 'exercises', `${stack}.json`)));
});

test.run();
