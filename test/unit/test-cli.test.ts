// npm test's own arguments: each mistake is one line and exit 2, before any part starts.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DIST } from '../../scripts/lib/config.js';

const test = suite('npm test, refusing bad arguments');
const run = (...args: string[]) => spawnSync(process.execPath, [join(DIST, 'scripts', 'test.js'), ...args], { encoding: 'utf8' });

test('--exercises with a stack that has none names the stacks that have them', () => {
  const r = run('--exercises', 'nosuch');
  assert.is(r.status, 2);
  assert.is(r.stdout, '');
  assert.is(r.stderr, 'nosuch: not a stack with exercises; choose from config, https, logs, mesh, paas, patterns, topz\n');
});

test('--exercises and --unit-only together are refused, since the proofs need the engine', () => {
  const r = run('--exercises', '--unit-only');
  assert.is(r.status, 2);
  assert.match(r.stderr, /^--exercises and --unit-only: give one of them/);
  assert.is(r.stderr.trim().split('\n').length, 1);
});

test('an unknown stack and a --jobs out of range are refused in one line each', () => {
  const stack = run('nosuch');
  assert.is(stack.status, 2);
  assert.match(stack.stderr, /^nosuch: not a stack; choose from config, https, logs, mesh, paas, patterns, topz\n$/);
  const jobs = run('--jobs', '9');
  assert.is(jobs.status, 2);
  assert.match(jobs.stderr, /^--jobs 9: give a whole number from 1 to 4/);
});

test.run();
