import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { until } from '../../lib/test-support/wait.js';
import { flipLink, readLink, removeStaleTempLinks } from '../src/link.js';

const test = suite<{ root: string }>('link', { root: '' });

test.before.each((ctx) => {
  ctx.root = mkdtempSync(join(tmpdir(), 'git-sync-link-'));
  for (const t of ['a', 'b']) {
    mkdirSync(join(ctx.root, 'worktrees', t), { recursive: true });
    writeFileSync(join(ctx.root, 'worktrees', t, 'marker'), t);
  }
});
test.after.each((ctx) => rmSync(ctx.root, { recursive: true, force: true }));

/** Reads root/current/marker in a tight loop in another process until told to stop; says "ready"
 * after its first read and "both" once it has seen both targets, then reports what it saw. */
const READER = `const fs = require('fs');
const seen = {}; let errors = 0, reads = 0, stop = false, said = false;
process.stdin.on('data', () => { stop = true; });
(function loop() {
  for (let i = 0; i < 200; i++) {
    try { const v = fs.readFileSync(process.argv[1] + '/current/marker', 'utf8'); seen[v] = (seen[v] || 0) + 1; reads++; }
    catch (e) { errors++; }
  }
  if (reads === 200) process.stderr.write('ready\\n');
  if (!said && seen.a && seen.b) { said = true; process.stderr.write('both\\n'); }
  if (stop) { process.stdout.write(JSON.stringify({ seen, errors, reads })); process.exit(0); }
  setImmediate(loop);
})();`;

test('a reader in another process never finds the link missing or dangling while it is flipped thousands of times', async ({ root }) => {
  flipLink(root, 'current', 'worktrees/a');
  const reader = spawn(process.execPath, ['-e', READER, root], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '',
    said = '';
  reader.stdout.on('data', (d) => (out += d));
  reader.stderr.on('data', (d) => (said += d));
  const deadline = Date.now() + 30_000; // a loaded machine may start the reader slowly
  await until('the reader to say ready', () => said.includes('ready'), deadline - Date.now(), 10);
  // Flip until the reader has seen both targets (the positive control) and at least 2000 flips are done.
  let flips = 0;
  while ((flips < 2000 || !said.includes('both')) && Date.now() < deadline) {
    for (let i = 0; i < 50; i++, flips++) flipLink(root, 'current', flips % 2 ? 'worktrees/a' : 'worktrees/b');
    await new Promise((r) => setImmediate(r));
  }
  reader.stdin.end('stop');
  await new Promise((r) => reader.once('exit', r));
  const r = JSON.parse(out) as { seen: Record<string, number>; errors: number; reads: number };
  assert.is(r.errors, 0, `reads that failed: ${r.errors} of ${r.reads} during ${flips} flips`);
  assert.ok(
    (r.seen.a ?? 0) > 0 && (r.seen.b ?? 0) > 0,
    `the reader saw both targets (positive control): ${JSON.stringify(r.seen)} during ${flips} flips`,
  );
});

test('a flip leaves no temporary entry behind and the link names the new target', ({ root }) => {
  flipLink(root, 'current', 'worktrees/a');
  flipLink(root, 'current', 'worktrees/b');
  assert.is(readLink(root, 'current'), 'worktrees/b');
  assert.equal(readdirSync(root).sort(), ['current', 'worktrees']);
});

test('readLink is undefined before the first flip', ({ root }) => {
  assert.is(readLink(root, 'current'), undefined);
});

test('temporary links a killed flip left are removed, and nothing else', ({ root }) => {
  symlinkSync('worktrees/a', join(root, '.current.tmp-deadbeef'));
  symlinkSync('worktrees/a', join(root, '.other.tmp-x'));
  flipLink(root, 'current', 'worktrees/a');
  assert.is(removeStaleTempLinks(root, 'current'), 1);
  assert.equal(readdirSync(root).sort(), ['.other.tmp-x', 'current', 'worktrees']);
});

test.run();
