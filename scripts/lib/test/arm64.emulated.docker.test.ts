// The arm64 smoke: the https stack's images built for linux/arm64 on this amd64 machine (a base image from
// debootstrap for arm64, Bun for aarch64), and the stack run from them under QEMU's user-mode emulation, every
// check passing, as on an Apple silicon Mac. Slow (a first run builds the arm64 base image: minutes of emulated
// dpkg), so not part of `npm test`: `npm run test:arm64` (make test-arm64) runs it. It works in a copy of the
// tree under a version of its own, so that the arm64 images never take the tree's tags; it keeps the arm64 base
// image for the next run and removes the copy's images. Needs root (qemu.sh installs and enables the emulation).
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
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
const architecture = async (ref: string) =>
  (await $`docker image inspect --format ${'{{.Os}}/{{.Architecture}}'} ${ref}`.quiet()).stdout.trim();

test.after(async () => {
  const images = (
    await $`docker images --filter ${`reference=sidecar-lab/*:${COPY_VERSION}`} --format ${'{{.Repository}}:{{.Tag}}'}`.quiet().nothrow()
  ).stdout
    .split('\n')
    .filter(Boolean);
  if (images.length) await $`docker rmi ${images}`.quiet().nothrow();
  rmSync(tree, { recursive: true, force: true });
});

test('the engine runs amd64: what follows is emulated', async () => {
  assert.is((await $`docker version --format ${'{{.Server.Arch}}'}`.quiet()).stdout.trim(), 'amd64');
});

test('SIDECAR_LAB_PLATFORM=linux/arm64 npm run stack:https builds arm64 images and passes every check under emulation', async () => {
  const env = { ...process.env, SIDECAR_LAB_PLATFORM: 'linux/arm64', CI: 'true' };
  const r = await $({ cwd: tree, env, nothrow: true, quiet: true, timeout: '60m' })`node dist/scripts/stack.js https`;
  const said = `what failed:\n${failureLines(r.stdout).join('\n')}\nstdout (its end):\n${r.stdout.slice(-3000)}\nstderr:\n${r.stderr.slice(-2000)}`;
  assert.is(r.exitCode, 0, said);
  assert.match(r.stdout, /^https: [1-9]\d* passed, 0 failed$/m, said);
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

test.run();
