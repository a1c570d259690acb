// Every declared exercise proven, as Exercism proves its examples: in a copy of the tree (a learner's clone, so that
// the edits never meet another test reading the same files), each stack with exercises is brought up once, and
// for each exercise: its check fails on the untouched stack, `--solve` applies the solution and the check passes,
// and `--reset` makes the check fail again and leaves `git status --porcelain` clean. Needs Docker; builds what it
// starts (the copy's `stack up`).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { $ } from 'zx';
import { DIST, ROOT } from '../config.js';
import { exerciseStacks, loadExercises } from '../scenarios.js';

/** A copy of the tree as git sees it (tracked, and new files not ignored), with the build and node_modules, as a
 * repository of its own with one commit. */
function copyTree(): string {
  const to = mkdtempSync(join(tmpdir(), 'sl-exercises-'));
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  for (const f of files) {
    mkdirSync(dirname(join(to, f)), { recursive: true });
    cpSync(join(ROOT, f), join(to, f), { force: true, errorOnExist: false });
  }
  cpSync(DIST, join(to, relative(ROOT, DIST)), { recursive: true });
  // node_modules by link, but Bun's binary as a file: the image build copies it, and a build context holds no link
  // that leads out of it (hard links: no copy of its 100 MB).
  mkdirSync(join(to, 'node_modules'));
  for (const m of readdirSync(join(ROOT, 'node_modules')))
    if (m !== 'bun') symlinkSync(join(ROOT, 'node_modules', m), join(to, 'node_modules', m));
  execFileSync('cp', ['-al', join(ROOT, 'node_modules', 'bun'), join(to, 'node_modules', 'bun')]);
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=proof', '-c', 'user.email=proof@localhost', ...args], { cwd: to });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'the tree as a learner clones it');
  return to;
}

const tree = copyTree();
const inTree = (script: string, args: string[]) =>
  $({ cwd: tree, quiet: true, nothrow: true, timeout: '6m' })`node ${join(tree, relative(ROOT, DIST), 'scripts', script)} ${args}`;
const said = (r: { stdout: string; stderr: string }) => `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`;

for (const stack of exerciseStacks()) {
  const test = suite(`${stack} exercises, proven`);
  test.before(async () => {
    const up = await inTree('stack.js', [stack, 'up']);
    if (up.exitCode !== 0) throw new Error(`${stack} up failed in the copy: ${said(up)}`);
  });
  test.after(async () => {
    await inTree('stack.js', [stack, 'down']);
  });
  for (const [i, e] of (await loadExercises(stack)).entries()) {
    const n = String(i + 1);
    test(`${stack} exercise ${n} (${e.title}) fails untouched, passes once solved, and fails again after --reset, with git status clean`, async () => {
      const untouched = await inTree('exercise.js', [stack, n]);
      assert.is(untouched.exitCode, 1, `the check on the untouched stack: ${said(untouched)}`);
      assert.match(untouched.stdout, new RegExp(`^✘ ${stack} exercise ${n}: .+`));
      const solve = await inTree('exercise.js', [stack, n, '--solve']);
      assert.is(solve.exitCode, 0, `--solve: ${said(solve)}`);
      const solved = await inTree('exercise.js', [stack, n]);
      assert.is(solved.exitCode, 0, `the check once solved: ${said(solved)}`);
      assert.match(solved.stdout, new RegExp(`^✔ ${stack} exercise ${n}: .+`));
      const reset = await inTree('exercise.js', [stack, n, '--reset']);
      assert.is(reset.exitCode, 0, `--reset: ${said(reset)}`);
      assert.is(execFileSync('git', ['status', '--porcelain'], { cwd: tree, encoding: 'utf8' }), '', 'git status after --reset');
      const again = await inTree('exercise.js', [stack, n]);
      assert.is(again.exitCode, 1, `the check after --reset: ${said(again)}`);
    });
  }
  test.run();
}

if (!process.env.KEEP_TREE) process.on('exit', () => rmSync(tree, { recursive: true, force: true }));
