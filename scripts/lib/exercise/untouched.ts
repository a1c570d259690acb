// The exercises' first promise, proven inside every test run of their lesson: each exercise's check fails on the
// stack as `up` made it, so a learner who has done nothing never sees ✔. (The rest of the proof, each solution
// applied, checked and reset in a copy of the tree, is scripts/lib/test/exercises.docker.test.ts, a part of
// npm test of its own, which relies on this check for each exercise it does not leave to that proof.)
import { type Check, CheckFailure, note } from '../check.js';
import { exerciseStacks, loadExercises } from '../scenarios.js';
import type { StackContext } from '../stack-types.js';
import type { Exercise, Verdict } from './types.js';

/** Runs each exercise's check on ctx, noting each verdict; returns those that passed or could not finish. An
 * exercise on another stack's run (`run`) is left to the exercise proof. */
export async function passingUntouched(exercises: Exercise[], ctx: StackContext): Promise<string[]> {
  const wrong: string[] = [];
  for (const [i, e] of exercises.entries()) {
    const n = i + 1;
    if (e.run || e.startsRun) {
      note(
        `${n}. ${e.title}: ${e.run ? `works on ${e.run.stack} with ${e.run.with.join(', ')}` : 'its check looks among every run on the machine'}: its exercise proof checks it`,
      );
      continue;
    }
    const t0 = Date.now();
    let v: Verdict;
    try {
      v = await e.check(ctx);
    } catch (err) {
      wrong.push(`${n}: could not finish: ${(err as Error).message.split('\n')[0]}`);
      continue;
    }
    note(`${n}. ${e.title} ${v.ok ? '✔' : '✘'} ${v.reason} (${Date.now() - t0} ms)`);
    if (v.ok) wrong.push(`${n}: ✔ ${v.reason}`);
  }
  return wrong;
}

/** A test run's first check, right after `up` and before the numbered ones (undefined for a lesson without
 * exercises): it fails if any exercise's check passes on the untouched run, or cannot finish there. */
export function untouchedExercises(stack: string): Check<StackContext> | undefined {
  if (!exerciseStacks().includes(stack)) return undefined;
  return {
    name: 'exercises: each exercise’s check fails on the stack as up made it, with its reason',
    async run(ctx) {
      const wrong = await passingUntouched(await loadExercises(stack), ctx);
      if (wrong.length) throw new CheckFailure(`exercise checks on the untouched ${stack} stack`, 'each one ✘ with a reason', wrong);
    },
  };
}
