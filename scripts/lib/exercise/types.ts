// What a stack declares about each of its exercises (stacks/<stack>/exercises.ts, loaded by path through
// scripts/lib/scenarios.ts): its text in the lesson, its check against the learner's running stack, its hints,
// its solution, and what --reset puts back. `npm run exercise` runs them; `npm run gen` writes the lesson's
// Exercises section from them; scripts/lib/test/exercises.docker.test.ts proves each solution in CI.
import type { StackContext } from '../stack-types.js';

/** A check's answer: ✔ or ✘, and why in one sentence. */
export interface Verdict {
  ok: boolean;
  reason: string;
}

export const pass = (reason: string): Verdict => ({ ok: true, reason });
export const fail = (reason: string): Verdict => ({ ok: false, reason });

export interface Solution {
  /** A unified diff against the repository (paths from its root), applied with `git apply`. */
  patch?: string;
  /** Shell commands run after the patch, from the repository root, with the variables that
   * `npm run stack:<stack> -- urls --env` exports ($HTTPS, $CA, …). `npm run …` lines run the built tree's
   * node command (no rebuild). */
  commands?: string[];
}

export interface Exercise {
  title: string;
  /** What the learner does, in Markdown: prose, and ```sh blocks with one command a line. */
  text: string;
  /** Shown one more each time `--hint` is given. */
  hints: string[];
  solution: Solution;
  /** Repository paths the exercise has the learner edit: --reset restores these (git checkout) and nothing else,
   * then applies the stack's files to the run again. */
  touches?: string[];
  /** Services --reset re-creates (their logs and counters start again), e.g. a sidecar whose metrics the check reads. */
  recreate?: string[];
  /** What else --reset undoes on the stack: runs the exercise started beside the stack's own. */
  restore?(ctx: StackContext): Promise<void>;
  /** Runs against the learner's run of the stack: ✔ once the exercise is done, ✘ with the reason until then. */
  check(ctx: StackContext): Promise<Verdict>;
}
