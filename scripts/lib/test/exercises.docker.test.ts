// Every declared exercise proven, as Exercism proves its examples: in a copy of the tree (a learner's clone, so that
// the edits never meet another test reading the same files), each stack with exercises is brought up once (with
// every other stack's run its exercises name, e.g. https with topz attached), and for each exercise: `--solve`
// applies the solution and the check passes, and `--reset` makes the check fail again and leaves
// `git status --porcelain` clean. That the check fails on the untouched stack is proven by every test run of the
// lesson (scripts/lib/exercise/untouched.ts), and here for the exercises it leaves out. Needs Docker; builds what it
// starts (the copy's `stack up`), under an image tag of its own: the copy is a repository of its own, so its
// images carry another revision label, and under the tree's tag they would move the tag from under every other
// run of the suite (whose next `up` would then replace its containers).
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { $ } from 'zx';
import { DIST, ROOT, VERSION } from '../config.js';
import { copyTree } from './tree-copy.js';
import { catalogue, imagePresent } from '../compose.js';
import { imageEnv } from '../images.js';
import { otherRuns, upArgs } from '../exercise/types.js';
import { teardownOnce } from '../teardown.js';
import { exerciseStacks, loadExercises } from '../scenarios.js';

// EXERCISE_STACKS=config,paas proves those stacks' exercises only (npm run test:exercises runs one lesson's per
// part); without it, every one. A copy proving one lesson builds under a tag of its own, so that two lessons' proofs running at once
// never move each other's images.
const only = process.env.EXERCISE_STACKS?.split(',').filter(Boolean);
const COPY_VERSION = `${VERSION}-exercises${only?.length === 1 ? `-${only[0]}` : ''}`;

/** The revision label of each of the tree's own catalogue images that exists now. */
async function treeRevisions(): Promise<Record<string, string>> {
  const images = [...new Set(Object.values(await catalogue(await imageEnv()).serviceImages()))];
  const revisions: Record<string, string> = {};
  const f = '{{index .Config.Labels "org.opencontainers.image.revision"}}';
  for (const image of images)
    if (await imagePresent(image)) revisions[image] = (await $`docker image inspect --format ${f} ${image}`.quiet()).stdout.trim();
  return revisions;
}

const tree = copyTree(COPY_VERSION, 'sl-exercises-');
const inTree = (script: string, args: string[]) =>
  $({ cwd: tree, quiet: true, nothrow: true, timeout: '6m' })`node ${join(tree, relative(ROOT, DIST), 'scripts', script)} ${args}`;
/** inTree, timed: each step's seconds go into `steps`, which the test prints (where a proof spends its time). */
const timed = async (steps: string[], label: string, script: string, args: string[]) => {
  const t0 = Date.now();
  const r = await inTree(script, args);
  steps.push(`${label} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return r;
};
const said = (r: { stdout: string; stderr: string }) => `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`;

for (const stack of exerciseStacks().filter((s) => !only || only.includes(s))) {
  const test = suite(`${stack} exercises, proven`);
  const exercises = await loadExercises(stack);
  // The lesson's own run, then each other run its exercises name, once: `up` with its sidecars attached.
  const runs = [{ stack, with: [] }, ...otherRuns(exercises)];
  // The runs go down after the last exercise, or on SIGTERM: npm run test:exercises ends a part at its time
  // limit that way.
  let down = async () => {};
  test.before(async () => {
    down = teardownOnce(async () => {
      for (const r of [...runs].reverse()) await inTree('stack.js', [r.stack, 'down']);
    });
    for (const r of runs) {
      const t0 = Date.now();
      const up = await inTree('stack.js', upArgs(r));
      console.log(`  ${upArgs(r).join(' ')} in the copy: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      if (up.exitCode !== 0) throw new Error(`${upArgs(r).join(' ')} failed in the copy: ${said(up)}`);
    }
  });
  test.after(() => down());
  for (const [i, e] of exercises.entries()) {
    const n = String(i + 1);
    // The check on the untouched stack: every test run of the lesson makes it already (check E, untouched.ts),
    // except for an exercise on another run or one that starts a second run, which only this copy sees alone.
    const untouchedHere = Boolean(e.run || e.startsRun);
    test(`${stack} exercise ${n} (${e.title})${untouchedHere ? ' fails untouched,' : ''} passes once solved, and fails again after --reset, with git status clean`, async () => {
      const steps: string[] = [];
      if (untouchedHere) {
        const untouched = await timed(steps, 'check', 'exercise.js', [stack, n]);
        assert.is(untouched.exitCode, 1, `the check on the untouched stack: ${said(untouched)}`);
        assert.match(untouched.stdout, new RegExp(`^✘ ${stack} exercise ${n}: .+`));
      }
      const solve = await timed(steps, '--solve', 'exercise.js', [stack, n, '--solve']);
      assert.is(solve.exitCode, 0, `--solve: ${said(solve)}`);
      const solved = await timed(steps, 'check', 'exercise.js', [stack, n]);
      assert.is(solved.exitCode, 0, `the check once solved: ${said(solved)}`);
      assert.match(solved.stdout, new RegExp(`^✔ ${stack} exercise ${n}: .+`));
      const reset = await timed(steps, '--reset', 'exercise.js', [stack, n, '--reset']);
      assert.is(reset.exitCode, 0, `--reset: ${said(reset)}`);
      assert.is(execFileSync('git', ['status', '--porcelain'], { cwd: tree, encoding: 'utf8' }), '', 'git status after --reset');
      const again = await timed(steps, 'check', 'exercise.js', [stack, n]);
      assert.is(again.exitCode, 1, `the check after --reset: ${said(again)}`);
      console.log(`  ${stack} exercise ${n}: ${steps.join(', ')}`);
    });
  }
  test.run();
}

const after = suite('the exercises’ copy of the tree');
after('builds under its own tag, and no image under the tree’s tags carries the copy’s revision', async () => {
  const copy = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: tree, encoding: 'utf8' }).trim();
  const revisions = await treeRevisions();
  assert.ok(Object.keys(revisions).length > 0, 'the tree has images to look at');
  assert.equal(
    Object.entries(revisions).filter(([, r]) => r === copy),
    [],
    `tree images built from the copy (revision ${copy})`,
  );
  // The copy built under its own tag, whichever stacks were proven (EXERCISE_STACKS).
  const f = '{{.Repository}}:{{.Tag}}';
  const own = (await $`docker images --filter ${`reference=sidecar-lab/*:${COPY_VERSION}`} --format ${f}`.quiet()).stdout
    .split('\n')
    .filter(Boolean);
  assert.ok(own.length > 0, `images tagged ${COPY_VERSION}`);
  const label = '{{index .Config.Labels "org.opencontainers.image.revision"}}';
  const theirs = (await $`docker image inspect --format ${label} ${own}`.quiet()).stdout.split('\n').filter(Boolean);
  // (An earlier proof's copy may have left images of other stacks under this tag, with its own revision.)
  assert.ok(theirs.includes(copy), `the copy's build among the images tagged ${COPY_VERSION}`);
});
after.run();

if (!process.env.KEEP_TREE) process.on('exit', () => rmSync(tree, { recursive: true, force: true }));
