// The paas checks' working copy, cloned again into a directory an earlier process left: the `check` verb (or the
// lab's Run button) runs the checks a second time on the same run, into the same `.state/<project>/work`. The clone
// must replace that copy, whose commits may be behind the server's, instead of failing on a directory that exists.
// A local bare repository stands in for the stack's git server.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Project } from '../../scripts/lib/compose.js';
import { Work } from '../../stacks/paas/support.js';

const test = suite('paas working copy');
const root = mkdtempSync(join(tmpdir(), 'sl-paas-work-'));
const server = join(root, 'site.git');
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@localhost', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
  });
const project = { name: 'sl-paas-work-test' } as Project;

test.before(() => {
  git(root, 'init', '--quiet', '--bare', server);
  const seed = join(root, 'seed');
  git(root, 'init', '--quiet', seed);
  writeFileSync(join(seed, 'index.html'), '<p>build 1</p>\n');
  writeFileSync(join(seed, 'version.txt'), 'build 1\n');
  git(seed, 'add', '-A');
  git(seed, 'commit', '--quiet', '-m', 'build 1');
  git(seed, 'push', '--quiet', server, 'HEAD:refs/heads/main');
});

test.after(() => rmSync(root, { recursive: true, force: true }));

test('a second clone into the same directory replaces the first, with the commits pushed since and nothing left behind', async () => {
  const dir = join(root, 'state', 'work');
  const first = await Work.cloneInto(server, dir, project);
  const { build } = await first.commitBuild();
  assert.is(build, 2);
  git(dir, 'push', '--quiet', server, 'HEAD:refs/heads/main');
  writeFileSync(join(dir, 'left-behind.txt'), 'from the first process\n');

  const second = await Work.cloneInto(server, dir, project);
  assert.is(readFileSync(join(dir, 'version.txt'), 'utf8'), 'build 2\n', 'the second clone has the pushed build');
  assert.not.ok(existsSync(join(dir, 'left-behind.txt')), 'the first copy’s stray file is gone');
  assert.is((await second.commitBuild()).build, 3, 'the second copy counts on from the server’s build');
});

test.run();
