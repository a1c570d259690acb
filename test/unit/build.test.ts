import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { $ } from 'zx';
import { ROOT } from '../../scripts/lib/config.js';

const build = suite('build');

build('npm run build starts by cleaning dist, so a deleted test stops running', async () => {
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  assert.ok(scripts.build!.startsWith('node scripts/clean.mjs && '), scripts.build);
  // The clean step really removes a stale compiled test, in a scratch copy of the layout.
  const scratch = join(ROOT, '.state', `clean-test-${process.pid}`);
  mkdirSync(join(scratch, 'scripts'), { recursive: true });
  mkdirSync(join(scratch, 'dist', 'sidecars', 'gone', 'test'), { recursive: true });
  writeFileSync(join(scratch, 'dist', 'sidecars', 'gone', 'test', 'old.test.js'), '');
  writeFileSync(join(scratch, 'scripts', 'clean.mjs'), readFileSync(join(ROOT, 'scripts', 'clean.mjs')));
  try {
    await $({ cwd: scratch, quiet: true })`node scripts/clean.mjs`;
    assert.not.ok(existsSync(join(scratch, 'dist')), 'dist is gone');
    assert.ok(existsSync(join(scratch, 'scripts', 'clean.mjs')), 'the sources stay');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});

build.run();
