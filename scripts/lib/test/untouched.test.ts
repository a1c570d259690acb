import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { passingUntouched, untouchedExercises } from '../exercise/untouched.js';
import { exerciseStacks } from '../scenarios.js';
import { type Exercise, fail, pass } from '../exercise/types.js';
import type { StackContext } from '../stack-types.js';

const test = suite('exercise checks on the untouched stack');
const ctx = {} as StackContext;
const exercise = (title: string, check: Exercise['check'], more: Partial<Exercise> = {}): Exercise => ({
  title,
  text: '',
  hints: [],
  solution: { commands: ['true'] },
  check,
  ...more,
});

test('an untouched stack on which every check fails leaves nothing to report', async () => {
  const ran: string[] = [];
  const all = ['a', 'b'].map((t) => exercise(t, async () => (ran.push(t), fail(`${t} not done`))));
  assert.equal(await passingUntouched(all, ctx), []);
  assert.equal(ran, ['a', 'b']);
});

test('a check that passes untouched, and one that throws, are reported by number with the reason', async () => {
  const all = [
    exercise('fails', async () => fail('not yet')),
    exercise('passes', async () => pass('already done')),
    exercise('throws', async () => {
      throw new Error('no such container\nmore');
    }),
  ];
  assert.equal(await passingUntouched(all, ctx), ['2: ✔ already done', '3: could not finish: no such container']);
});

test('an exercise on another stack’s run, or one that starts a second run, is not checked here', async () => {
  let ran = 0;
  const other = exercise('attached', async () => (ran++, pass('x')), { run: { stack: 'https', with: ['topz'] } });
  const second = exercise('a second run', async () => (ran++, pass('x')), { startsRun: true });
  assert.equal(await passingUntouched([other, second], ctx), []);
  assert.is(ran, 0);
});

test('every lesson with exercises gets the check in its test run, and a stack without any gets none', () => {
  for (const stack of exerciseStacks()) assert.match(untouchedExercises(stack)?.name ?? '', /^exercises: each exercise’s check fails/);
  assert.is(untouchedExercises('nosuch'), undefined);
});

test.run();
