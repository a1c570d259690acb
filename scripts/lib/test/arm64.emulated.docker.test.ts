// The arm64 smoke: the https stack's images built for linux/arm64 on this amd64 machine (a base image from
// debootstrap for arm64, Bun for aarch64), and the stack run from them under QEMU's user-mode emulation, every
// check passing, as on an Apple silicon Mac. Slow (a first run builds the arm64 base image: minutes of emulated
// dpkg), so not part of `npm test`: `npm run test:arm64` (make test-arm64) runs it. It works in a copy of the
// tree under a version of its own, so that the arm64 images never take the tree's tags; it keeps the arm64 base
// image for the next run and removes the copy's images. Needs root (qemu.sh installs and enables the emulation).
// Then the room bundle of both platforms: each part holds images of its own architecture, and a load on this
// engine takes the amd64 part.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { $ } from 'zx';
import { LOCAL_BASE_IMAGE, VERSION } from '../config.js';
import { foreignBase } from '../platform.js';
import { failureLines } from '../test-run.js';
import { copyTree } from './tree-copy.js';

const test = suite('the https stack on linux/arm64, under emulation');
const COPY_VERSION = `${VERSION}-arm64`;
const tree = copyTree(COPY_VERSION, 'sl-arm64-');
const work = mkdtempSync(join(tmpdir(), 'sl-arm64-room-'));
const bundle = join(work, 'room.tar');
const said = (r: { stdout: string; stderr: string }) =>
  `what failed:\n${failureLines(r.stdout).join('\n')}\nstdout (its end):\n${r.stdout.slice(-3000)}\nstderr:\n${r.stderr.slice(-2000)}`;
const architecture = async (ref: string) =>
  (await $`docker image inspect --format ${'{{.Os}}/{{.Architecture}}'} ${ref}`.quiet()).stdout.trim();

test.after(async () => {
  const images = (
    await $`docker images --filter ${`reference=sidecar-lab/*:${COPY_VERSION}`} --format ${'{{.Repository}}:{{.Tag}}'}`.quiet().nothrow()
  ).stdout
    .split('\n')
    .filter(Boolean);
  if (images.length) await $`docker rmi ${images}`.quiet().nothrow();
  for (const dir of [tree, work]) rmSync(dir, { recursive: true, force: true });
});

test('the engine runs amd64: what follows is emulated', async () => {
  assert.is((await $`docker version --format ${'{{.Server.Arch}}'}`.quiet()).stdout.trim(), 'amd64');
});

test('SIDECAR_LAB_PLATFORM=linux/arm64 npm run stack:https builds arm64 images and passes every check under emulation', async () => {
  const env = { ...process.env, SIDECAR_LAB_PLATFORM: 'linux/arm64', CI: 'true' };
  const r = await $({ cwd: tree, env, nothrow: true, quiet: true, timeout: '60m' })`node dist/scripts/stack.js https`;
  assert.is(r.exitCode, 0, said(r));
  assert.match(r.stdout, /^https: [1-9]\d* passed, 0 failed$/m, said(r));
  console.log(`  ${/^https: .*$/m.exec(r.stdout)?.[0]} (linux/arm64, emulated)`);
});

test('each image the stack ran, and its base, is linux/arm64; the Bun in tls-proxy is an aarch64 binary', async () => {
  for (const name of ['pause', 'tls-proxy', 'legacy-greeter', 'toolbox'])
    assert.is(await architecture(`sidecar-lab/${name}:${COPY_VERSION}`), 'linux/arm64', name);
  assert.is(await architecture(foreignBase(LOCAL_BASE_IMAGE, 'linux/arm64')), 'linux/arm64');
  const id = (await $`docker create --pull never --platform linux/arm64 ${`sidecar-lab/tls-proxy:${COPY_VERSION}`}`.quiet()).stdout.trim();
  try {
    const elf = execFileSync('docker', ['cp', `${id}:/usr/local/bin/bun`, '-'], { maxBuffer: 512 * 1024 * 1024 });
    // docker cp writes a tar: the file's bytes start after its 512-byte header. e_machine 0xb7 is AArch64.
    assert.is(elf.readUInt16LE(512 + 18), 0xb7, 'ELF e_machine of /usr/local/bin/bun');
  } finally {
    await $`docker rm ${id}`.quiet().nothrow();
  }
});

/** The architecture of each image config in one platform's `docker save` within the bundle. */
function savedArchitectures(member: string): string[] {
  const inner = execFileSync('tar', ['-xOf', bundle, member], { maxBuffer: 4 * 1024 ** 3 });
  const dir = mkdtempSync(join(work, 'part-'));
  execFileSync('tar', ['-xf', '-', '-C', dir, '--wildcards', 'manifest.json', '*.json'], { input: inner });
  const entries = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { Config: string }[];
  return entries.map((e) => (JSON.parse(readFileSync(join(dir, e.Config), 'utf8')) as { architecture: string }).architecture);
}

interface Manifest {
  revision: string;
  platforms: Record<string, { file: string; images: Record<string, string> }>;
}

test('bundle --stack https holds a linux/amd64 and a linux/arm64 part, each of images of its own architecture', async () => {
  const { SIDECAR_LAB_PLATFORM: _, DOCKER_DEFAULT_PLATFORM: __, ...env } = process.env;
  const r = await $({
    cwd: tree,
    env: { ...env, CI: 'true' },
    nothrow: true,
    quiet: true,
    timeout: '60m',
  })`node scripts/workshop.mjs bundle ${bundle} --stack https`;
  assert.is(r.exitCode, 0, said(r));
  const manifest = JSON.parse(execFileSync('tar', ['-xOf', bundle, 'manifest.json'], { encoding: 'utf8' })) as Manifest;
  assert.equal(Object.keys(manifest.platforms).sort(), ['linux/amd64', 'linux/arm64']);
  for (const [platform, part] of Object.entries(manifest.platforms)) {
    const arches = savedArchitectures(part.file);
    assert.is(arches.length, Object.keys(part.images).length, `${part.file}: one image config per image`);
    assert.equal([...new Set(arches)], [platform.slice('linux/'.length)], part.file);
  }
  const members = execFileSync('tar', ['-tf', bundle], { encoding: 'utf8' }).split('\n');
  for (const bun of ['linux-x64', 'linux-aarch64'])
    assert.ok(
      members.some((m) => m.endsWith(`/${bun}/bun`)),
      bun,
    );
  console.log(`  ${/^\S+room\.tar: .*$/m.exec(r.stdout)?.[0] ?? ''}`);
});

test('after the bundle the tree’s tags are the engine’s own images again', async () => {
  assert.is(await architecture(`sidecar-lab/tls-proxy:${COPY_VERSION}`), 'linux/amd64');
});

test('load on this amd64 engine takes the amd64 part: it records that part’s images, and Docker has them with those ids', async () => {
  const clone = join(work, 'clone');
  execFileSync('git', ['clone', '-q', tree, clone]);
  const r = await $({ cwd: clone, nothrow: true, quiet: true, timeout: '15m' })`node scripts/workshop.mjs load ${bundle}`;
  assert.is(r.exitCode, 0, said(r));
  const manifest = JSON.parse(execFileSync('tar', ['-xOf', bundle, 'manifest.json'], { encoding: 'utf8' })) as Manifest;
  const loaded = JSON.parse(readFileSync(join(clone, '.state', 'images', 'loaded.json'), 'utf8')) as { images: Record<string, string> };
  assert.equal(loaded.images, manifest.platforms['linux/amd64']!.images);
  for (const [ref, id] of Object.entries(loaded.images))
    assert.is((await $`docker image inspect --format ${'{{.Id}}'} ${ref}`.quiet()).stdout.trim(), id, ref);
  assert.ok(existsSync(join(clone, 'node_modules', 'zx', 'package.json')), 'node_modules installed by npm ci --offline');
});

test.run();
