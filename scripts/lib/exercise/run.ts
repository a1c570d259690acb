// What `npm run exercise -- <stack> <n>` does with one declared exercise: check it against the run `up` left,
// show one more hint (the count is kept in .state/exercises/<stack>.json), print or apply its solution, and
// reset it: the files it touches (git checkout of those paths only) and the stack. An exercise that names another
// stack's run (its `run`: e.g. https with topz attached) does all of that on that run instead.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { diagnostics } from '../compose.js';
import { ROOT, STATE_DIR } from '../config.js';
import { BadInput, type RunChoice } from '../current-run.js';
import { nodeCommandOf, npmScript } from '../lesson.js';
import { applyRun, currentRun, describeRun, envName } from '../run-verbs.js';
import { exerciseStacks, loadExercises } from '../scenarios.js';
import type { StackContext } from '../stack-types.js';
import { type Exercise, fail, type Verdict } from './types.js';

/** Exercise n (from 1) of a stack, or a one-line refusal. */
export async function exerciseOf(stack: string, n: string): Promise<Exercise> {
  if (!exerciseStacks().includes(stack))
    throw new BadInput(`no exercises declared for "${stack}": choose one of ${exerciseStacks().join(', ')}`);
  const all = await loadExercises(stack);
  if (!/^\d+$/.test(n) || Number(n) < 1 || Number(n) > all.length)
    throw new BadInput(`no exercise ${n} in ${stack}: its exercises are numbered 1-${all.length}`);
  return all[Number(n) - 1]!;
}

/** The run an exercise works on: the lesson's own, or the other stack's run with sidecars attached that it names. */
export const runOf = (stack: string, e: Exercise): { stack: string; choice: RunChoice } =>
  e.run ? { stack: e.run.stack, choice: { with: e.run.with } } : { stack, choice: {} };

/** Runs the check against the current run; a check that throws says why as its reason. The other run an exercise
 * names not being up is a ✘ too (starting it is the exercise's first step); the lesson's own, a refusal. */
export async function checkExercise(stack: string, e: Exercise): Promise<Verdict> {
  const at = runOf(stack, e);
  let ctx: StackContext;
  try {
    ({ ctx } = await currentRun(at.stack, at.choice));
  } catch (err) {
    if (e.run && err instanceof BadInput) return fail(err.message);
    throw err;
  }
  try {
    return await e.check(ctx);
  } catch (err) {
    return { ok: false, reason: `the check could not finish: ${(err as Error).message.split('\n')[0]}` };
  }
}

const hintFile = (stack: string) => join(STATE_DIR, 'exercises', `${stack}.json`);

/** The hints shown so far, one more than last time (up to all of them); the count is remembered per exercise. */
export function nextHints(stack: string, n: number, e: Exercise): string[] {
  const file = hintFile(stack);
  const seen: Record<string, number> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const count = Math.min((seen[n] ?? 0) + 1, e.hints.length);
  mkdirSync(join(STATE_DIR, 'exercises'), { recursive: true });
  writeFileSync(file, JSON.stringify({ ...seen, [n]: count }, null, 2));
  return e.hints.slice(0, count);
}

/** The solution as a learner reads it: the diff, then the commands. */
export function solutionText(stack: string, e: Exercise): string {
  const parts: string[] = [];
  if (e.solution.patch) parts.push(`apply this diff (git apply, from the repository root):\n\n${e.solution.patch.trimEnd()}`);
  if (e.solution.commands?.length) {
    const vars = e.solution.commands.some((c) => c.includes('$'))
      ? [`eval "$(npm run -s stack:${runOf(stack, e).stack} -- urls --env)"`]
      : [];
    parts.push(`${e.solution.patch ? 'then run' : 'run'}:\n\n${[...vars, ...e.solution.commands].map((c) => `  ${c}`).join('\n')}`);
  }
  return parts.join('\n\n');
}

/** Leading `NAME=value` assignments before an npm line, as a shell would pass them to the command. */
const ENV_PREFIX = /^((?:[A-Z_][A-Z0-9_]*=[^\s'"$]*\s+)+)(npm run .*)$/;
/** A command that fails on purpose (an exercise that breaks something) ends in this. */
const MAY_FAIL = ' || true';

interface Step {
  bin: string;
  args: string[];
  text: string;
  env: Record<string, string>;
  /** Its exit code does not count: the line ends in ` || true`. */
  mayFail: boolean;
}

/** The solution's commands as processes: each `[NAME=value ...] npm run X -- ARGS [|| true]` line as the built
 * tree's node command (no rebuild), with those variables set, and each run of other lines as one bash script, so
 * that their variables carry from line to line. */
export function commandSteps(lines: string[]): Step[] {
  const steps: Step[] = [];
  for (const line of lines) {
    const mayFail = line.endsWith(MAY_FAIL);
    const cmd = mayFail ? line.slice(0, -MAY_FAIL.length) : line;
    const pre = ENV_PREFIX.exec(cmd);
    const npm = npmScript(pre ? pre[2]! : cmd);
    const last = steps.at(-1);
    if (npm) {
      const env = Object.fromEntries(
        (pre?.[1] ?? '')
          .trim()
          .split(/\s+/)
          .filter(Boolean)
          .map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]),
      );
      steps.push({ bin: process.execPath, args: [...nodeCommandOf(npm.script), ...npm.args], text: line, env, mayFail });
    } else if (last?.bin === 'bash') last.args[last.args.length - 1] += `\n${line}`;
    else steps.push({ bin: 'bash', args: ['-euo', 'pipefail', '-c', line], text: line, env: {}, mayFail: false });
  }
  return steps;
}

/** --solve: applies the patch with git apply, then runs the commands with the run's urls as variables (those of
 * the run before the commands: a command that starts another run gets its variables in its own eval). */
export async function solve(stack: string, e: Exercise): Promise<void> {
  if (e.solution.patch) {
    const r = spawnSync('git', ['apply', '--whitespace=nowarn', '-'], { cwd: ROOT, input: e.solution.patch, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git apply refused the solution's diff: ${r.stderr.trim().split('\n')[0]}`);
  }
  const at = runOf(stack, e);
  const d = await describeRun(at.stack, at.choice);
  const vars = Object.fromEntries(Object.entries({ ...d.urls, ...(d.files ?? {}) }).map(([k, v]) => [envName(k), v]));
  for (const s of commandSteps(e.solution.commands ?? [])) {
    const r = spawnSync(s.bin, s.args, { cwd: ROOT, env: { ...process.env, ...vars, ...s.env }, stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0 && !s.mayFail) throw new Error(`the solution's command failed (exit ${r.status}): ${s.text}`);
  }
}

/** --reset: git checkout of the paths the exercise touches (only those), then the stack (or the other run the
 * exercise names): its files applied to the run again, the services it names re-created, and what the exercise
 * started beside the run removed. */
export async function reset(stack: string, e: Exercise): Promise<string[]> {
  const at = runOf(stack, e);
  const done: string[] = [];
  if (e.touches?.length) {
    const r = spawnSync('git', ['checkout', '--', ...e.touches], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git checkout -- ${e.touches.join(' ')} failed: ${r.stderr.trim()}`);
    done.push(`restored ${e.touches.join(', ')}`);
    done.push(`applied them to ${await applyRun(at.stack, at.choice)}`);
  }
  const { ctx } = await currentRun(at.stack, at.choice);
  if (e.recreate?.length) {
    await ctx.project.recreate(e.recreate).catch(async (err: Error) => {
      console.log(`\n${await diagnostics(ctx.project, 30)}`);
      throw err;
    });
    done.push(`re-created ${e.recreate.join(', ')}`);
  }
  if (e.restore) {
    await e.restore(ctx);
    done.push('removed what the exercise started beside the stack');
  }
  return done;
}
