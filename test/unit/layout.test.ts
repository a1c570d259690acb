import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../../scripts/lib/config.js';

const layout = suite('project layout (docs/contributing.md)');

/** The paths in the first column of the "Project layout" block of docs/contributing.md. */
function listed(): string[] {
  const text = readFileSync(join(ROOT, 'docs', 'contributing.md'), 'utf8');
  const block = /## Project layout\n\n```\n([\s\S]*?)```/.exec(text)?.[1] ?? '';
  return block
    .split('\n')
    .map((l) => l.split(/\s+#/)[0]!.trim())
    .filter(Boolean);
}

layout('every path the layout lists exists (a <name> stands for each folder of its parent)', () => {
  const paths = listed();
  assert.ok(paths.length >= 10, `only ${paths.length} paths listed`);
  for (const p of paths) {
    const concrete = p.includes('<name>') ? p.slice(0, p.indexOf('<name>')) : p;
    assert.ok(existsSync(join(ROOT, concrete)), `the layout lists ${p}, which is not in the tree`);
  }
});

layout('every top-level folder and tracked file of note in the tree is in the layout', () => {
  const tracked = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
  const top = new Set(tracked.map((f) => (f.includes('/') ? `${f.split('/')[0]}/` : f)));
  const skip = new Set(['README.md', 'package.json', 'package-lock.json', 'tsconfig.json', 'Makefile', '.gitignore', '.env']);
  const paths = listed();
  for (const entry of top) {
    if (skip.has(entry)) continue;
    assert.ok(
      paths.some((p) => p === entry || p.startsWith(entry)),
      `${entry} is in the tree but not in the project layout of docs/contributing.md`,
    );
  }
});

layout.run();
