// A copy of the tree as a learner's clone, for the tests that edit files or build images from it: the tree as git
// sees it (tracked, and new files not ignored), with the build and node_modules (by link), as a repository of its
// own with one commit, under a version of its own. Its images carry its own revision label, so under the tree's
// tag they would move the tag from under every other part of the test run (whose next `up` would then replace
// its containers): under `version` they never meet.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { DIST, ROOT } from '../config.js';

export function copyTree(version: string, prefix: string): string {
  const to = mkdtempSync(join(tmpdir(), prefix));
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  for (const f of files) {
    mkdirSync(dirname(join(to, f)), { recursive: true });
    cpSync(join(ROOT, f), join(to, f), { force: true, errorOnExist: false });
  }
  cpSync(DIST, join(to, relative(ROOT, DIST)), { recursive: true });
  // node_modules by link (the image build takes Bun from .cache/bun, where scripts/lib/bun-binary.ts puts the file
  // itself).
  mkdirSync(join(to, 'node_modules'));
  for (const m of readdirSync(join(ROOT, 'node_modules'))) symlinkSync(join(ROOT, 'node_modules', m), join(to, 'node_modules', m));
  const pkg = JSON.parse(readFileSync(join(to, 'package.json'), 'utf8')) as { version: string };
  writeFileSync(join(to, 'package.json'), `${JSON.stringify({ ...pkg, version }, null, 2)}\n`);
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=proof', '-c', 'user.email=proof@localhost', ...args], { cwd: to });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'the tree as a learner clones it');
  return to;
}
