// A sidecar a root test runs as nobody: left in place when nobody can reach it, staged in a directory
// anyone can enter when it sits under one they cannot (a clone under /root, mode 0700).
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { reachableByOthers, stageForOthers } from '../test-support/as-user.js';

const test = suite<{ root: string }>('running a sidecar as another user', { root: '' });
test.before.each((ctx) => {
  ctx.root = mkdtempSync(join(tmpdir(), 'as-user-'));
  chmodSync(ctx.root, 0o755);
});
test.after.each((ctx) => rmSync(ctx.root, { recursive: true, force: true }));

/** A clone's compiled tree under root: dist/sidecars/<name>/src/main.js and a shared lib file, and a runtime. */
function clone(root: string) {
  const src = join(root, 'clone', 'dist', 'sidecars', 'log-shipper', 'src');
  mkdirSync(src, { recursive: true });
  mkdirSync(join(root, 'clone', 'dist', 'sidecars', 'lib'));
  writeFileSync(join(src, 'main.js'), 'import "../../lib/run.js";\n');
  writeFileSync(join(root, 'clone', 'dist', 'sidecars', 'lib', 'run.js'), '');
  const bin = join(root, 'clone', 'bun');
  writeFileSync(bin, '#!/bin/sh\n');
  chmodSync(bin, 0o755);
  return { main: join(src, 'main.js'), bin };
}

test('a tree others can reach is used in place, and removing the staging removes nothing', ({ root }) => {
  const { main, bin } = clone(root);
  assert.ok(reachableByOthers(main));
  const s = stageForOthers(main, bin);
  assert.equal([s.main, s.bin], [main, bin]);
  s.remove();
  assert.ok(existsSync(main));
});

test('under a directory others cannot enter, the runtime and the whole compiled tree are staged where they can, then removed', ({
  root,
}) => {
  const { main, bin } = clone(root);
  chmodSync(join(root, 'clone'), 0o700);
  assert.not.ok(reachableByOthers(main));
  const s = stageForOthers(main, bin);
  try {
    assert.ok(s.main.endsWith(join('sidecars', 'log-shipper', 'src', 'main.js')), s.main);
    assert.ok(reachableByOthers(s.main) && reachableByOthers(s.bin));
    assert.ok(existsSync(join(s.main, '..', '..', '..', 'lib', 'run.js')), 'the shared lib comes along');
    assert.is(statSync(s.bin).mode & 0o777, 0o755);
  } finally {
    s.remove();
  }
  assert.not.ok(existsSync(s.main));
  assert.not.ok(existsSync(s.bin));
});

test.run();
