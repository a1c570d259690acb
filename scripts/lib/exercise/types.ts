// What a stack declares about each of its exercises (stacks/<stack>/exercises.ts, loaded by path through
// scripts/lib/scenarios.ts): its text in the lesson, its check against the learner's running stack, its hints,
// its solution, and what --reset puts back. `npm run exercise` runs them; `npm run gen` writes the lesson's
// Exercises section from them; scripts/lib/test/exercises.docker.test.ts proves each solution
// (a part of npm test per lesson), and every test run of a lesson proves each check fails untouched (untouched.ts).
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
   * `npm run stack:<stack> -- urls --env` exports ($HTTPS, $CA, …; for an exercise on another `run`, that run's).
   * `npm run …` lines run the built tree's node command (no rebuild). */
  commands?: string[];
}

/** Another stack's run, with sidecars attached: `npm run stack:<stack> -- up --with <each of with>`. */
export interface OtherRun {
  stack: string;
  with: string[];
}

/** The other stacks' runs a lesson's exercises work on, each once, in the order they first appear. */
export const otherRuns = (exercises: Exercise[]): OtherRun[] =>
  [...new Set(exercises.flatMap((e) => (e.run ? [JSON.stringify(e.run)] : [])))].map((r) => JSON.parse(r) as OtherRun);

/** `stack <name> up` with its sidecars attached, as arguments of scripts/stack.ts. */
export const upArgs = (r: OtherRun): string[] => [r.stack, 'up', ...r.with.flatMap((w) => ['--with', w])];

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
  /** What else --reset undoes on the stack (or the `run` it names): runs the exercise started beside the stack's own. */
  restore?(ctx: StackContext): Promise<void>;
  /** The run the exercise works on when it is not the lesson's own: another stack's, started with `up --with`
   * (e.g. https with topz attached). The check, the solution's variables and --reset then take the newest run of
   * that stack with exactly those sidecars attached; the proof brings it up beside the lesson's stack. */
  run?: OtherRun;
  /** Runs against the learner's run of the stack (or the `run` it names): ✔ once the exercise is done, ✘ with the
   * reason until then. */
  check(ctx: StackContext): Promise<Verdict>;
  /** The learner starts a second run of the stack (another compose file, or `up --with`), which the check finds
   * among every run on the machine. A test run beside others (npm test runs two at a time) may find theirs, so
   * only the exercise proof (its own copy of the tree) checks it untouched. */
  startsRun?: true;
  /** The break of the stack's breaks.ts this exercise teaches: the lesson names the check it turns red. */
  break?: string;
}

/** A break-it exercise as an inverted check (stacks/<stack>/breaks.ts): the stack run with one thing broken on
 * purpose, and the check that must turn red. `npm run stack:<stack> -- test --break NAME` brings the stack up with
 * it, runs that check alone and expects it to fail; `npm test` runs every break. */
export interface Break {
  /** Its name for --break: lower-case words joined by hyphens. */
  name: string;
  /** The check it turns red: its number as a test run prints it (the scenario's checks, from 1). */
  check: number;
  /** How the failure must read (the check's message and RECEIVED, on one line): a failure for another reason
   * (a time-out before the break shows, a stack that did not come up) is not the break the lesson teaches. */
  because?: RegExp;
  /** Compose variables set for the run: what `NAME=value npm run stack:<stack>` sets by hand. */
  env?: Record<string, string>;
  /** A Compose override (YAML) added to the run's files. It is written into the run's own directory, so the
   * stack's files, and git status, stay as they are. Relative paths in it are the stack folder's; \${BREAK_DIR}
   * is the directory that holds `files`. */
  override?: string;
  /** Files the override mounts (e.g. an edited copy of a config file), by path under \${BREAK_DIR}. */
  files?: Record<string, string>;
  /** Its item in the lesson (`npm run gen` writes it between its marker lines); absent when an exercise of the
   * stack's exercises.ts names the break instead (its `break`), and the generated section says so under it. */
  lesson?: { title: string; text: string };
}

/** The solution of an exercise that has the learner edit one file: the diff's hunks (each `@@ … @@` and its lines) as
 * a diff of that file (a repository path), then the commands; --reset restores the file. */
export const fileEdit = (path: string, hunks: string, commands: string[]): Pick<Exercise, 'solution' | 'touches'> => ({
  solution: { patch: `--- a/${path}\n+++ b/${path}\n${hunks}`, commands },
  touches: [path],
});
