// npm run bench:workshop [-- STACK...]: the machine's share of each lesson's minutes in docs/workshop.md, measured
// the way a learner's lesson goes, with one busy process beside it (a room's laptop is never idle): `up` (with the
// other stacks' runs its exercises work on, e.g. https with topz attached), `check` (the checks a learner runs
// against the run, which stays up), the check of each declared exercise on the untouched runs that `up` left,
// `down` (of them all). Writes the seconds to docs/workshop-times.json, which `npm run gen` turns
// into the lesson-times table and each lesson's Time; with STACK names, only those lessons are measured again.
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { $ } from 'zx';
import { DIST } from '../lib/config.js';
import { otherRuns, upArgs } from '../lib/exercise/types.js';
import { exerciseStacks, loadExercises, stackNames } from '../lib/scenarios.js';
import { type LessonTime, readTimes, writeTimes } from '../lib/workshop-times.js';
import { machine } from './conditions.js';

const stacks = process.argv.slice(2).length ? process.argv.slice(2) : stackNames();
const unknown = stacks.filter((s) => !stackNames().includes(s));
if (unknown.length) {
  console.error(`bench:workshop: no stack ${unknown.join(', ')}: choose from ${stackNames().join(', ')}`);
  process.exit(2);
}

const node = (script: string, args: string[]) =>
  $({ quiet: true, nothrow: true, timeout: '10m' })`node ${join(DIST, 'scripts', script)} ${args}`;

/** Seconds a step took; a step that exits with another code than those allowed ends the bench with its output. */
async function timed(what: string, script: string, args: string[], allowed = [0]): Promise<number> {
  const t = performance.now();
  const r = await node(script, args);
  const s = (performance.now() - t) / 1000;
  if (!allowed.includes(r.exitCode ?? -1)) throw new Error(`${what}: exit ${r.exitCode}\n${r.stdout}\n${r.stderr}`);
  return s;
}

/** One busy process on the host for as long as `fn` runs, ended by its PID. */
async function besideAHog<T>(fn: () => Promise<T>): Promise<T> {
  const hog = spawn(process.execPath, ['-e', 'for (;;);'], { stdio: 'ignore' });
  try {
    return await fn();
  } finally {
    if (hog.pid) process.kill(hog.pid, 'SIGKILL');
  }
}

async function measure(stack: string): Promise<LessonTime> {
  const load = loadavg()[0]!;
  const at = `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const declared = exerciseStacks().includes(stack);
  const others = declared ? otherRuns(await loadExercises(stack)) : [];
  const stacksUp = [stack, ...others.map((r) => r.stack)];
  let upS = 0;
  try {
    for (const args of [[stack, 'up'], ...others.map(upArgs)]) upS += await timed(args.join(' '), 'stack.js', args);
    const checkS = await timed(`${stack} check`, 'stack.js', [stack, 'check']);
    let exercisesS = 0;
    if (declared)
      // On the untouched run each check says ✘ (exit 1), or ✔ (0) where the lesson's own step is the exercise.
      for (const n of (await loadExercises(stack)).keys())
        exercisesS += await timed(`${stack} exercise ${n + 1}`, 'exercise.js', [stack, String(n + 1)], [0, 1]);
    let downS = 0;
    for (const s of stacksUp) downS += await timed(`${s} down`, 'stack.js', [s, 'down']);
    const r = (s: number) => Math.max(1, Math.round(s));
    return { upS: r(upS), checkS: r(checkS), exercisesS: declared ? r(exercisesS) : 0, downS: r(downS), load, at };
  } catch (e) {
    for (const s of stacksUp) await node('stack.js', [s, 'down']);
    throw e;
  }
}

const times = readTimes();
await besideAHog(async () => {
  for (const stack of stacks) {
    const t = await measure(stack);
    times.lessons[stack] = t;
    times.machine = machine();
    writeTimes(times); // after each lesson: an interrupted run keeps what it measured
    console.log(
      `${stack}: up ${t.upS} s, check ${t.checkS} s, exercise checks ${t.exercisesS} s, down ${t.downS} s (load ${t.load.toFixed(1)})`,
    );
  }
});
console.log('docs/workshop-times.json written; `npm run gen` puts it in docs/workshop.md and each lesson’s Time');
