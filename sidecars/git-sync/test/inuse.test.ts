import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { scanProc, treeOf } from '../src/inuse.js';

const test = suite<{ root: string }>('in-use scan', { root: '' });
const [A, B] = ['a'.repeat(40), 'b'.repeat(40)];

test.before((ctx) => {
  ctx.root = mkdtempSync(join(tmpdir(), 'git-sync-inuse-'));
  for (const sha of [A, B]) {
    mkdirSync(join(ctx.root, 'worktrees', sha, 'sub'), { recursive: true });
    writeFileSync(join(ctx.root, 'worktrees', sha, 'sub', 'f.txt'), 'x');
  }
});
test.after((ctx) => rmSync(ctx.root, { recursive: true, force: true }));

test('paths map to the tree they lie in; staging trees, the link and other paths map to none', ({ root }) => {
  const wt = join(root, 'worktrees');
  assert.is(treeOf(`${wt}/${A}/sub/f.txt`, wt), A);
  assert.is(treeOf(`${wt}/${A}`, wt), A);
  assert.is(treeOf(`${wt}/${A}.staging/x`, wt), undefined);
  assert.is(treeOf(`${root}/current`, wt), undefined);
  assert.is(treeOf(`${wt}x/${A}`, wt), undefined);
});

test('a file held open by this process marks its tree in use, and only that tree; closing it clears it', ({ root }) => {
  const wt = join(root, 'worktrees');
  assert.not.ok(scanProc(wt).inUse.has(A), 'nothing open yet (control)');
  const fd = openSync(join(wt, A, 'sub', 'f.txt'), 'r');
  try {
    const { inUse } = scanProc(wt);
    assert.ok(inUse.has(A), 'the open file is seen through /proc/self/fd');
    assert.not.ok(inUse.has(B));
  } finally {
    closeSync(fd);
  }
  assert.not.ok(scanProc(wt).inUse.has(A));
});

test('a working directory inside a tree marks it in use', ({ root }) => {
  const wt = join(root, 'worktrees');
  const cwd = process.cwd();
  process.chdir(join(wt, B, 'sub'));
  try {
    assert.ok(scanProc(wt).inUse.has(B));
  } finally {
    process.chdir(cwd);
  }
});

test.run();
