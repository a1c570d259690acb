// `sidecar-lab <command>`: what it runs, lists and refuses, and `images`' arguments, all before any Docker call.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { COMMANDS, dispatch } from '../cli/commands.js';
import { imagesRequest } from '../cli/images-args.js';
import { missingFromClone } from '../cli/invocation.js';
import { DIST } from '../config.js';

const test = suite('sidecar-lab command');
const inClone = () => undefined;
const installed = () => 'images/scratch';

test('each command runs its npm script entry file with the arguments after its name', () => {
  for (const c of COMMANDS) {
    const d = dispatch([c.name, '--x', 'y'], inClone);
    assert.ok('run' in d, c.name);
    if ('run' in d) {
      assert.is(d.run.entry, `./${c.name}.js`);
      assert.equal(d.args, ['--x', 'y']);
    }
  }
});

test('--help lists the commands on stdout with exit 0; nothing or an unknown command lists them on stderr with exit 2', () => {
  const help = dispatch(['--help'], inClone);
  assert.ok('exit' in help && help.exit === 0 && help.err === undefined);
  const listed = ('out' in help && help.out) || '';
  assert.equal(
    listed
      .split('\n')
      .filter((l) => l.startsWith('  '))
      .map((l) => l.trim().split(' ')[0]),
    ['identify', 'verify', 'inject', 'k8s', 'stack', 'exercise', 'images'],
  );
  for (const argv of [[], ['verify-me'], ['--stack']]) {
    const d = dispatch(argv, inClone);
    assert.ok('exit' in d && d.exit === 2 && d.err?.endsWith(listed), argv.join(' '));
  }
  const unknown = dispatch(['frobnicate'], inClone);
  assert.match(('err' in unknown && unknown.err) || '', /^sidecar-lab: unknown command "frobnicate"\n/);
});

test('outside a clone, stack, exercise and images refuse in one line naming what is missing; the others run', () => {
  for (const c of COMMANDS) {
    const d = dispatch([c.name, '--help'], installed);
    if (!c.needsClone) assert.ok('run' in d, c.name);
    else {
      assert.ok('exit' in d && d.exit === 2, c.name);
      const err = ('err' in d && d.err) || '';
      assert.is(err.split('\n').filter(Boolean).length, 1, err);
      assert.match(err, `sidecar-lab ${c.name}: needs a clone of the sidecar-lab repository`);
      assert.match(err, 'images/scratch is not here');
    }
  }
  assert.equal(
    COMMANDS.filter((c) => c.needsClone).map((c) => c.name),
    ['stack', 'exercise', 'images'],
  );
});

test('this checkout is a clone, and an empty directory is not', () => {
  assert.is(missingFromClone(), undefined);
  assert.is(missingFromClone('/nonexistent-sidecar-lab'), 'images/scratch');
});

test('images takes base, --save FILE or nothing; anything else is an error', () => {
  assert.equal(imagesRequest([]), { all: true });
  assert.equal(imagesRequest(['base']), { base: true });
  assert.equal(imagesRequest(['--save', 'out.tar']), { save: 'out.tar' });
  assert.equal(imagesRequest(['--save=out.tar']), { save: 'out.tar' });
  assert.equal(imagesRequest(['--save', 'x', '--help']), { help: true });
  const errors = [['--save'], ['--save='], ['base', '--save', 'x'], ['frob'], ['--save', 'a', 'b'], ['--load', 'x']];
  for (const args of errors) assert.ok('error' in imagesRequest(args), args.join(' '));
  assert.match((imagesRequest(['--save=']) as { error: string }).error, '--save needs a FILE');
});

test('npm run images with bad arguments exits 2 with the usage before it talks to Docker', () => {
  const r = spawnSync(process.execPath, [join(DIST, 'scripts', 'images.js'), '--save'], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, PATH: '/nonexistent' },
  });
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /^images: .*--save.*\nusage: npm run images -- \[base \| --save FILE\]\n$/);
});

test.run();
