// SIDECAR_LAB_PLATFORM: which platform the images are built for and run as.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { archOf, chosenPlatform, deadlineScale, EMULATION_SLOWDOWN, emulated, foreignBase } from '../platform.js';

const test = suite('the platform the images are built for');

test('unset or empty, it is the engine’s own (none chosen)', () => {
  assert.is(chosenPlatform({}), undefined);
  assert.is(chosenPlatform({ SIDECAR_LAB_PLATFORM: '' }), undefined);
});

test('linux/arm64 and linux/amd64 are taken, with their Debian architecture and base image', () => {
  assert.is(chosenPlatform({ SIDECAR_LAB_PLATFORM: 'linux/arm64' }), 'linux/arm64');
  assert.is(archOf('linux/amd64'), 'amd64');
  assert.is(foreignBase('sidecar-lab/base:trixie', 'linux/arm64'), 'sidecar-lab/base:trixie-arm64');
});

test('anything else stops with one line that names the variable and the choices', () => {
  for (const p of ['arm64', 'linux/arm/v7', 'darwin/arm64']) {
    try {
      chosenPlatform({ SIDECAR_LAB_PLATFORM: p });
      assert.unreachable(`${p} was taken`);
    } catch (e) {
      assert.instance(e, Error);
      assert.is(
        (e as Error).message,
        `invalid SIDECAR_LAB_PLATFORM: "${p}": give one of linux/amd64, linux/arm64 (or leave it unset for the engine's own)`,
      );
    }
  }
});

test('a platform of another architecture than the host’s runs emulated, and its check deadlines are scaled', () => {
  const arm = { SIDECAR_LAB_PLATFORM: 'linux/arm64' };
  assert.ok(emulated(arm, 'x64'));
  assert.is(deadlineScale(arm, 'x64'), EMULATION_SLOWDOWN);
  assert.ok(emulated({ SIDECAR_LAB_PLATFORM: 'linux/amd64' }, 'arm64'));
});

test('the host’s own platform, chosen or not, is native: deadlines as written', () => {
  assert.not.ok(emulated({ SIDECAR_LAB_PLATFORM: 'linux/amd64' }, 'x64'));
  assert.not.ok(emulated({ SIDECAR_LAB_PLATFORM: 'linux/arm64' }, 'arm64'));
  assert.not.ok(emulated({}, 'x64'));
  assert.is(deadlineScale({}, 'arm64'), 1);
});

test.run();
