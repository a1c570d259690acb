// npm run workshop: what it refuses before it touches the engine or the network, each with one line that says why.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../config.js';

const test = suite('npm run workshop refuses bad input with one line');
const workshop = (...args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, 'scripts', 'workshop.mjs'), ...args], { cwd: ROOT, encoding: 'utf8' });

test('no verb: exit 2, what to give, and the usage', () => {
  const r = workshop();
  assert.is(r.status, 2);
  assert.is(
    r.stderr,
    'workshop: give bundle FILE or load FILE, not ""\nusage: npm run workshop -- bundle FILE [--stack NAME]... | load FILE\n',
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

test('--stack belongs to bundle, and an unknown option is named', () => {
  assert.is(
    workshop('load', 'room.tar', '--stack', 'https').stderr,
    'workshop: load: --stack is for bundle (load takes every image the file holds)\n',
  );
  const r = workshop('bundle', 'room.tar', '--zap');
  assert.is(r.status, 2);
  assert.match(r.stderr, /^workshop: Unknown option '--zap'/);
});

test.run();
