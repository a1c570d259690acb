// The installed command: `npm pack` gives a tarball that installs into an empty directory and, without the
// repository, runs `sidecar-lab` identify, inject and k8s as the clone's build does; stack and images say they
// need a clone. Packs the current build with --ignore-scripts (prepack would rebuild the dist other tests run).
// Needs npm and the Docker CLI (inject checks with `docker compose config`), no engine.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { COMMANDS } from '../cli/commands.js';
import { DIST, ROOT, VERSION } from '../config.js';
import { env, packInstall, run } from './pack-support.js';
import { convert } from '../k8s/convert.js';
import { toStream } from '../k8s/emit.js';
import { resolveStack, stacksWithCompose } from '../k8s/resolve.js';

const test = suite('sidecar-lab, packed and installed');
const tmp = mkdtempSync(join(tmpdir(), 'sl-pack-'));
const app = join(tmp, 'app');
const work = join(tmp, 'work');
const mine = join(tmp, 'mine');

/** npx sidecar-lab ARGS in the directory the tarball was installed into. */
const npx = (...args: string[]) => run('npx', ['--no', '--', 'sidecar-lab', ...args], app);
/** The installed bin without npx's second or so per call, for the loops. */
const bin = (...args: string[]) => run(join(app, 'node_modules', '.bin', 'sidecar-lab'), args, app);
/** The clone's own build of a tool, for comparison. */
const repo = (tool: string, ...args: string[]) => run(process.execPath, [join(DIST, 'scripts', `${tool}.js`), ...args], work);

test.before(() => {
  assert.is(DIST, join(ROOT, 'dist'), 'npm pack packs dist/: this test must run from that build');
  const stale = ['cli', 'identify', 'inject', 'k8s'].filter(
    (t) => statSync(join(DIST, 'scripts', `${t}.js`)).mtimeMs < statSync(join(ROOT, 'scripts', `${t}.ts`)).mtimeMs,
  );
  assert.equal(stale, [], 'dist/ is older than its sources: npm run build first');
  packInstall(tmp, app);
  mkdirSync(work);
  mkdirSync(mine);
  copyFileSync(join(ROOT, 'test', 'fixtures', 'identify', 'pod-of-general-images.compose.yaml'), join(work, 'compose.yaml'));
  copyFileSync(join(ROOT, 'test', 'fixtures', 'inject', 'greeter.yaml'), join(mine, 'greeter.yaml'));
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));

test('the installed package holds no tests, no source maps and no TypeScript', () => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }))
      e.isDirectory() ? walk(join(dir, e.name)) : files.push(join(dir, e.name).slice(pkg.length + 1));
  };
  const pkg = join(app, 'node_modules', 'sidecar-lab');
  walk(pkg);
  assert.ok(files.includes('dist/scripts/cli.js'));
  assert.equal(
    files.filter((f) => /\.test\.js$|\.map$|\.ts$|\/test\//.test(f)),
    [],
  );
});

test('sidecar-lab --help lists every command, one line each; an unknown one exits 2 with the list', () => {
  const help = npx('--help');
  assert.is(help.code, 0, help.stderr);
  const lines = help.stdout.split('\n').filter((l) => /^ {2}\S/.test(l));
  assert.equal(
    lines.map((l) => l.trim().split(/\s+/)[0]),
    COMMANDS.map((c) => c.name),
  );
  const unknown = npx('frobnicate');
  assert.is(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command "frobnicate"/);
  assert.is(unknown.stderr.split('\n').filter((l) => /^ {2}\S/.test(l)).length, COMMANDS.length);
});

test('every command answers --help with its usage and exit 0', () => {
  for (const c of COMMANDS.filter((c) => !c.needsClone)) {
    const r = bin(c.name, '--help');
    assert.is(r.code, 0, `${c.name}: ${r.stderr}`);
    assert.match(r.stdout, `sidecar-lab ${c.name}`);
  }
});

test('identify DIR reads a compose file outside the repository, as the clone does', () => {
  const r = run('npx', ['--no', '--prefix', app, '--', 'sidecar-lab', 'identify', '.'], work);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, '1 file(s) read, 0 skipped, 2 group(s), 2 sidecar-ish container(s), 2 finding(s)');
  assert.is(r.stdout, repo('identify', '.').stdout);
  const json = JSON.parse(bin('identify', '--json', work).stdout) as { groups: { containers: { name: string; pattern: string }[] }[] };
  assert.equal(
    json.groups.flatMap((g) => g.containers.filter((c) => c.pattern === 'sidecar').map((c) => c.name)),
    ['egress', 'shipper'],
  );
});

test('inject adds tls-proxy to a compose file outside the repository; a missing FILE exits 2', () => {
  const r = npx('inject', '--service', 'greeter', '--with', 'tls-proxy', join(mine, 'greeter.yaml'));
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^ {2}greeter-pod:$/m);
  assert.match(r.stdout, /^ {2}greeter-tls-proxy:$/m);
  assert.match(r.stderr, /^\+\+\+ /m);
  assert.is(r.stdout, repo('inject', '--service', 'greeter', '--with', 'tls-proxy', join(mine, 'greeter.yaml')).stdout);
  const missing = bin('inject', '--service', 'greeter', '--with', 'tls-proxy', join(mine, 'absent.yaml'));
  assert.is(missing.code, 2);
  assert.match(missing.stderr, /^inject: cannot read .*absent\.yaml: ENOENT$/m);
});

test('k8s converts each of our stacks exactly as the clone does, and a compose FILE of the user', () => {
  const stacks = stacksWithCompose();
  assert.ok(stacks.length >= 5, stacks.join(', '));
  for (const stack of stacks) {
    const r = stack === stacks[0] ? npx('k8s', stack, '--resolver', 'yaml') : bin('k8s', stack, '--resolver', 'yaml');
    assert.is(r.code, 0, `${stack}: ${r.stderr}`);
    assert.match(r.stdout, /^kind: (Deployment|Pod)$/m);
    // the clone's conversion, in this process (as scripts/k8s.ts does it)
    const clone = convert(resolveStack(stack, { env: { SIDECAR_LAB_VERSION: VERSION, ...env }, resolver: 'yaml' }));
    assert.is(r.stdout, toStream(clone.objects), `${stack}: the manifests differ from the clone's`);
    assert.equal(
      r.stderr.split('\n').filter((l) => l && !/^npm warn /.test(l)),
      // the same warnings, each hint naming the command as the user typed it
      clone.lines.map((l) => l.replaceAll('(npm run k8s -- ', '(sidecar-lab k8s ')),
      `${stack}: the warnings differ`,
    );
  }
  const file = bin('k8s', join(mine, 'greeter.yaml'), '--resolver', 'yaml');
  assert.is(file.code, 0, file.stderr);
  assert.match(file.stdout, /^kind: Pod$/m, 'greeter restarts never: a bare Pod');
  assert.match(file.stdout, /^ {4}app\.kubernetes\.io\/part-of: sidecar-lab-mine$/m);
  const none = bin('k8s', 'no-such-stack');
  assert.is(none.code, 2);
  assert.match(none.stderr, /^no stack or compose file "no-such-stack"$/m);
});

test('stack and images say in one line that they need a clone, and exit 2', () => {
  for (const args of [
    ['stack', 'https'],
    ['images', '--save', 'images.tar'],
  ]) {
    const r = bin(...args);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    const lines = r.stderr.split('\n').filter((l) => l && !/^npm warn /.test(l));
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, `sidecar-lab ${args[0]}: needs a clone of the sidecar-lab repository`);
  }
});

test.run();
