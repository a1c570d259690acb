// A missing image fails with its name, and nothing tries a registry: Compose's up and run, and docker run as
// runOnce calls it. Without --pull never, the same calls print "Pulling" or "Unable to find image ... locally"
// and then a registry's error; that is what TRIED_TO_PULL recognises. Needs Docker; no image is needed (the
// name is one that no one builds).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type ComposeError, Project } from '../compose.js';
import { runOnce } from '../docker.js';

const test = suite('a missing image is never pulled');
const missing = `sidecar-lab/never-built-${randomBytes(4).toString('hex')}:0`;

const TRIED_TO_PULL = /\bPulling\b|Unable to find image|Get "https?:\/\//i;

async function withProject(fn: (p: Project) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sl-no-pull-'));
  writeFileSync(join(dir, 'compose.yaml'), `services:\n  app:\n    image: ${missing}\n`);
  const p = new Project({ project: `sl-no-pull-${randomBytes(3).toString('hex')}`, cwd: dir, files: ['compose.yaml'], env: {} });
  try {
    await fn(p);
  } finally {
    await p.down().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

test('compose up of a service whose image is missing fails naming the image, and nothing is pulled', () =>
  withProject(async (p) => {
    try {
      await p.up(30);
      assert.unreachable('up succeeded without the image');
    } catch (e) {
      assert.instance(e, Error);
      const { message, stderr } = e as ComposeError;
      assert.match(message, missing);
      assert.match(message, /no such image/i);
      assert.not.match(stderr, TRIED_TO_PULL);
    }
  }));

test('compose run of a service whose image is missing is refused by name before Compose could pull', () =>
  withProject(async (p) => {
    try {
      await p.run('app', ['true']);
      assert.unreachable('run succeeded without the image');
    } catch (e) {
      assert.is((e as Error).message, `no such image: ${missing} (service app); nothing is pulled`);
    }
  }));

test('docker run of a missing image exits 125 naming the image, and nothing is pulled', async () => {
  const r = await runOnce([missing, 'true']);
  assert.is(r.code, 125);
  assert.match(r.stderr, `No such image: ${missing}`);
  assert.not.match(r.stderr, TRIED_TO_PULL);
});

test.run();
