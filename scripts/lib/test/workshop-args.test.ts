// npm run workshop: what it refuses before it touches the engine or the network, each with one line that says why.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../config.js';

const test = suite('npm run workshop refuses bad input with one line');
const workshop = (...args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, 'scripts', 'workshop.mjs'), ...args], { cwd: ROOT, encoding: 'utf8' });
const scratch = mkdtempSync(join(tmpdir(), 'sl-workshop-args-'));
test.after(() => rmSync(scratch, { recursive: true, force: true }));

test('no verb: exit 2, what to give, and the usage', () => {
  const r = workshop();
  assert.is(r.status, 2);
  assert.is(
    r.stderr,
    'workshop: give bundle FILE or load FILE, not ""\nusage: npm run workshop -- bundle FILE [--stack NAME]... [--platform linux/amd64|linux/arm64]... | load FILE\n',
  );
});

test('load of a file that does not exist names it', () => {
  const r = workshop('load', '/nonexistent/room.tar');
  assert.is(r.status, 2);
  assert.is(r.stderr, 'workshop: load: /nonexistent/room.tar does not exist\n');
});

test('load of a file that is no bundle says so, and how to make one', () => {
  const r = workshop('load', join(ROOT, 'package.json'));
  assert.is(r.status, 2);
  assert.match(
    r.stderr,
    /^workshop: load: .*package\.json is not a sidecar-lab bundle \(no manifest\.json in it\): make one with npm run workshop -- bundle FILE\n$/,
  );
});

test('--stack and --platform belong to bundle, and an unknown option is named', () => {
  assert.is(
    workshop('load', 'room.tar', '--stack', 'https').stderr,
    "workshop: load: --stack is for bundle (load takes the images of its engine's platform)\n",
  );
  assert.is(
    workshop('load', 'room.tar', '--platform', 'linux/arm64').stderr,
    "workshop: load: --platform is for bundle (load takes the images of its engine's platform)\n",
  );
  const r = workshop('bundle', 'room.tar', '--zap');
  assert.is(r.status, 2);
  assert.match(r.stderr, /^workshop: Unknown option '--zap'/);
});

test('bundle refuses a platform it cannot build, before it builds anything', () => {
  const r = workshop('bundle', 'room.tar', '--platform', 'linux/riscv64');
  assert.is(r.status, 2);
  assert.is(
    r.stderr,
    'workshop: bundle: --platform linux/riscv64: give linux/amd64 or linux/arm64 (each one named is built; none named, both)\n',
  );
  assert.is(r.stdout, '', 'no build ran');
});

/** A bundle that holds only its manifest, and a docker on PATH that answers `version` with `arch`. */
function fakeRoom(manifest: object, arch: string): { file: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(scratch, 'room-'));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  execFileSync('tar', ['-cf', join(dir, 'room.tar'), '-C', dir, 'manifest.json']);
  writeFileSync(join(dir, 'docker'), `#!/bin/sh\n[ "$1" = version ] && echo ${arch}\n`);
  chmodSync(join(dir, 'docker'), 0o755);
  return { file: join(dir, 'room.tar'), env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } };
}

test('load of a bundle without the engine’s platform names what it holds and how to make one that fits', () => {
  const room = fakeRoom({ format: 2, revision: 'x', platforms: { 'linux/amd64': { file: 'images-amd64.tar', images: {} } } }, 'arm64');
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'workshop.mjs'), 'load', room.file], {
    cwd: ROOT,
    encoding: 'utf8',
    env: room.env,
  });
  assert.is(r.status, 2);
  assert.is(
    r.stderr,
    `workshop: load: ${room.file} holds images for linux/amd64, and this engine runs linux/arm64: make the bundle with --platform linux/arm64\n`,
  );
});

test('load of a bundle of the earlier format asks for one made again', () => {
  const room = fakeRoom({ format: 1, revision: 'x', arch: 'amd64', images: {} }, 'amd64');
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'workshop.mjs'), 'load', room.file], {
    cwd: ROOT,
    encoding: 'utf8',
    env: room.env,
  });
  assert.is(r.status, 2);
  assert.is(r.stderr, `workshop: load: ${room.file} is a bundle of format 1; this clone reads format 2: make it again here\n`);
});

test.run();
