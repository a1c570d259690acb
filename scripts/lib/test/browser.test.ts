// Which Chromium the browser checks drive: SIDECAR_LAB_CHROMIUM when set, else the first of chromium,
// chromium-browser and google-chrome on PATH; with none, one line that says how to get one.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chromiumPath } from '../browser.js';

const test = suite<{ dir: string }>('browser: which Chromium', { dir: '' });
test.before.each((ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'browser-path-'));
});
test.after.each((ctx) => rmSync(ctx.dir, { recursive: true, force: true }));

const exe = (dir: string, name: string, mode = 0o755) => {
  const file = join(dir, name);
  writeFileSync(file, '#!/bin/sh\n');
  chmodSync(file, mode);
  return file;
};

test('the first name on PATH wins, in PATH order, and a file that is not executable is passed over', ({ dir }) => {
  const [a, b] = [join(dir, 'a'), join(dir, 'b')];
  for (const d of [a, b]) mkdirSync(d);
  exe(a, 'chromium', 0o644);
  const found = exe(b, 'google-chrome');
  exe(b, 'chromium-browser');
  assert.is(chromiumPath({ PATH: `${a}:${b}` }), join(b, 'chromium-browser'));
  rmSync(join(b, 'chromium-browser'));
  assert.is(chromiumPath({ PATH: `${a}:${b}` }), found);
});

test('SIDECAR_LAB_CHROMIUM wins over PATH, and one that cannot run is named in the error', ({ dir }) => {
  const given = exe(dir, 'my-chrome');
  exe(dir, 'chromium');
  assert.is(chromiumPath({ PATH: dir, SIDECAR_LAB_CHROMIUM: given }), given);
  try {
    chromiumPath({ PATH: dir, SIDECAR_LAB_CHROMIUM: join(dir, 'nope') });
    assert.unreachable('a missing SIDECAR_LAB_CHROMIUM throws');
  } catch (e) {
    assert.is((e as Error).message, `SIDECAR_LAB_CHROMIUM=${join(dir, 'nope')} is not an executable file`);
  }
});

test('with no Chromium anywhere the error is one line that names the names, the bootstrap and the variable', ({ dir }) => {
  try {
    chromiumPath({ PATH: dir });
    assert.unreachable('no Chromium throws');
  } catch (e) {
    const m = (e as Error).message;
    assert.not.match(m, /\n/);
    assert.match(m, /chromium, chromium-browser, google-chrome/);
    assert.match(m, /make bootstrap/);
    assert.match(m, /SIDECAR_LAB_CHROMIUM/);
  }
});

test.run();
