// npm run lab:screenshots on one stack (https): the mechanism that draws every lesson's picture, one stack at a
// time, covered here on one, since bringing all seven up would take minutes of CI (docs/lab.md says so). It
// writes one PNG per stack asked for, and nothing else, and takes its run down again. Pixels are not compared.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { $ } from 'zx';
import { DIST } from '../config.js';

const test = suite('lab:screenshots');
const out = mkdtempSync(join(tmpdir(), 'lab-screenshots-'));

function screenshots(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(DIST, 'scripts', 'lab-screenshots.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '',
      stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c));
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    const deadline = setTimeout(() => child.kill('SIGINT'), 240_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(deadline);
      resolve({ code, stdout, stderr });
    });
  });
}

test('with the https stack named, it writes one PNG, https.png, and leaves no container of its run behind', async () => {
  const r = await screenshots('https', '--out', out);
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.equal(readdirSync(out), ['https.png']);
  assert.equal([...readFileSync(join(out, 'https.png')).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.match(r.stdout, /lab:screenshots: 1 of 1 pictures written to /);
  const project = /up --wait (sl-https-[0-9a-f]{6})/.exec(r.stdout)?.[1];
  assert.ok(project, `the run’s project is printed: ${r.stdout}`);
  const left = (await $`docker ps -aq --filter ${`label=com.docker.compose.project=${project}`}`.quiet()).stdout.trim();
  assert.is(left, '', `no container of ${project} is left`);
});

test('an unknown stack is refused in one line, exit 2, before anything starts', async () => {
  const before = readdirSync(out);
  const r = await screenshots('nosuch', '--out', out);
  assert.is(r.code, 2);
  assert.match(r.stderr, /^lab:screenshots: no stack named nosuch \(stacks: [a-z, ]+\)\n/);
  assert.equal(readdirSync(out), before, 'nothing was written');
});

test.after(() => rmSync(out, { recursive: true, force: true }));
test.run();
