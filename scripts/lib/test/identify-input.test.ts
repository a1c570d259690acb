// identify reads someone else's tree: hostile files end in `skipped` with a one-line reason, in bounded
// time, and the command never crashes, never prints a stack trace, and escapes what it prints.
import { spawnSync } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DIST } from '../config.js';
import { renderText } from '../identify/render.js';
import { identify } from '../identify/run.js';

const test = suite('identify: untrusted input');
const root = mkdtempSync(join(tmpdir(), 'identify-input-'));
const tree = (name: string, files: Record<string, string | Buffer>) => {
  const dir = join(root, name);
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
  return dir;
};
const reasons = (dir: string) => Object.fromEntries(identify(['.'], dir).skipped.map((s) => [s.path, s.reason]));
const cli = (args: string[], cwd = root) =>
  spawnSync(process.execPath, [join(DIST, 'scripts', 'identify.js'), ...args], { cwd, encoding: 'utf8', timeout: 60_000 });

test('an alias bomb, deep nesting, a huge file, invalid UTF-8, duplicate keys and a Helm template are skipped, each with its reason', () => {
  let bomb = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
  for (let i = 1; i < 12; i++)
    bomb += `a${i}: &a${i} [${Array(10)
      .fill(`*a${i - 1}`)
      .join(', ')}]\n`;
  const dir = tree('hostile', {
    'bomb.yaml': `${bomb}services: {}\n`,
    'deep.yaml': `${'['.repeat(50_000)}${']'.repeat(50_000)}\n`,
    'big/compose.yaml': `services:\n${'  # padding\n'.repeat(120_000)}`,
    'latin1/compose.yaml': Buffer.from([0x73, 0x65, 0x72, 0x76, 0x69, 0x63, 0x65, 0x73, 0x3a, 0x20, 0xff, 0x0a]),
    'dup/compose.yaml': 'services:\n  a: { image: x }\n  a: { image: y }\n',
    'chart/templates/deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n',
    'empty/compose.yaml': '\n',
  });
  const started = Date.now();
  const r = reasons(dir);
  assert.ok(Date.now() - started < 20_000, 'bounded time');
  assert.match(r['bomb.yaml']!, /too many YAML aliases/);
  assert.match(r['deep.yaml']!, /nested deeper than/);
  assert.match(r[join('big', 'compose.yaml')]!, /larger than \d+ bytes/);
  assert.is(r[join('latin1', 'compose.yaml')], 'not valid UTF-8');
  assert.match(r[join('dup', 'compose.yaml')]!, /^duplicate key/);
  assert.match(r[join('chart', 'templates', 'deploy.yaml')]!, /Helm or Go template/);
  assert.is(r[join('empty', 'compose.yaml')], 'empty');
  assert.is(Object.keys(r).length, 7);
  for (const reason of Object.values(r)) assert.not.match(reason, /\n/);
});

test('symlinks out of the tree, symlink loops and FIFOs are not followed or opened', () => {
  const outside = tree('outside', { 'compose.yaml': 'services:\n  secret: { image: outside }\n' });
  const dir = tree('links', { 'ok/compose.yaml': 'services:\n  a: { image: a }\n' });
  symlinkSync(join(outside, 'compose.yaml'), join(dir, 'out.yaml'));
  symlinkSync(join(dir, 'loop-b.yaml'), join(dir, 'loop-a.yaml'));
  symlinkSync(join(dir, 'loop-a.yaml'), join(dir, 'loop-b.yaml'));
  symlinkSync(dir, join(dir, 'ok', 'back'));
  execFileSync('mkfifo', [join(dir, 'fifo.yaml')]);
  const r = identify(['.'], dir);
  const why = Object.fromEntries(r.skipped.map((s) => [s.path, s.reason]));
  assert.is(why['out.yaml'], 'symlink out of the given paths: not followed');
  assert.is(why['loop-a.yaml'], 'symlink loop: not followed');
  assert.is(why['fifo.yaml'], 'a FIFO: not read');
  assert.equal(
    r.groups.map((g) => g.containers[0]!.image),
    ['a'],
  );
  // a FIFO given as an argument is skipped like one found in a walk
  assert.equal(identify(['fifo.yaml'], dir).skipped, [{ path: 'fifo.yaml', reason: 'a FIFO: not read' }]);
});

test('extends and include never read outside the paths given; the file is skipped and says why', () => {
  tree('scope', { 'base.yaml': 'services:\n  b: { image: base }\n' });
  const dir = tree('scope/app', {
    'compose.yaml': 'services:\n  a:\n    extends: { file: ../base.yaml, service: b }\n',
    'inc/compose.yaml': 'include: [../../base.yaml]\nservices:\n  c: { image: c }\n',
  });
  const r = reasons(dir);
  assert.match(r['compose.yaml']!, /outside the paths given and their repository: not read$/);
  assert.match(r[join('inc', 'compose.yaml')]!, /outside the paths given and their repository: not read$/);
});

test('inside a repository (a directory with .git above the path), extends may reach the rest of it, and still nothing outside', () => {
  tree('repo/.git', { HEAD: 'ref: refs/heads/main\n' });
  tree('repo/compose', { 'pod.yaml': 'services:\n  pod: { image: pause }\n' });
  tree('outside', { 'base.yaml': 'services:\n  b: { image: base }\n' });
  const dir = tree('repo/stacks/one', {
    'compose.yaml': 'services:\n  pod:\n    extends: { file: ../../compose/pod.yaml, service: pod }\n',
    'far/compose.yaml': 'services:\n  a:\n    extends: { file: ../../../../outside/base.yaml, service: b }\n',
  });
  const r = identify(['.'], dir);
  assert.equal(
    r.groups.map((g) => g.containers.map((c) => c.image)),
    [['pause']],
  );
  assert.match(reasons(dir)[join('far', 'compose.yaml')]!, /outside the paths given and their repository: not read$/);
});

test('CRLF line ends are read, and names from the file are printed with control characters escaped', () => {
  const dir = tree('crlf', { 'compose.yaml': 'services:\r\n  "app\\u001b[2J":\r\n    image: "evil\\u0007"\r\n' });
  const r = identify(['.'], dir);
  assert.is(r.groups[0]!.containers[0]!.name, 'app\u001b[2J');
  const text = renderText(r);
  assert.not.match(text, /[\u0000-\u0008\u000b-\u001f\u007f]/);
  assert.match(text, /app\\u001b\[2J/);
  assert.match(text, /evil\\u0007/);
});

test('exit codes: 2 for no argument, a missing path or an unknown flag; 0 otherwise; 1 under --strict with an error finding; never a stack trace', () => {
  const dir = tree('cli', { 'compose.yaml': 'services:\n  app:\n    image: x\n    command: ["--password=hunter2"]\n' });
  for (const args of [[], ['no-such-path'], ['--frobnicate', dir]]) {
    const r = cli(args);
    assert.is(r.status, 2, args.join(' '));
    assert.match(r.stderr, /usage: npm run identify/);
  }
  const ok = cli([dir]);
  assert.is(ok.status, 0);
  assert.match(ok.stdout, /error secret-flag/);
  assert.is(cli([dir, '--strict']).status, 1);
  const json = cli(['--json', 'hostile', 'links', 'cli']);
  assert.is(json.status, 0);
  assert.is(JSON.parse(json.stdout).version, 1);
  for (const r of [ok, json]) assert.not.match(r.stderr, /\n\s+at /);
});

test('property: a Compose file or a pod of any shape is read or refused with a reason that names no path of this machine', () => {
  const dir = tree('shapes', { 'compose.yaml': '' });
  const key = fc.constantFrom(
    'image',
    'network_mode',
    'pid',
    'volumes_from',
    'volumes',
    'ports',
    'environment',
    'command',
    'depends_on',
    'extends',
    'env_file',
    'profiles',
    'healthcheck',
    'cap_add',
    'build',
    'x',
  );
  const value = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom('service:a', 'container:b', 'host', 'none', './x:/y:ro', '${X:-${Y}}', '8080:80'),
    fc.array(fc.constantFrom('a', 'b', './v:/w', 'n:/m:ro', 'service:a'), { maxLength: 3 }),
  );
  const services = fc.dictionary(
    fc.constantFrom('a', 'b', 'c'),
    fc.oneof(fc.dictionary(key, value, { maxKeys: 5 }), fc.jsonValue({ maxDepth: 1 })),
    { maxKeys: 3 },
  );
  fc.assert(
    fc.property(services, fc.boolean(), (svc, asPod) => {
      const containers = Object.entries(svc).map(([name, s]) => ({ name, ...(s && typeof s === 'object' && !Array.isArray(s) ? s : {}) }));
      const doc = asPod ? { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers } } : { services: svc };
      writeFileSync(join(dir, 'compose.yaml'), JSON.stringify(doc));
      const r = identify(['.'], dir);
      assert.is(r.files.length + r.skipped.length, 1);
      for (const s of r.skipped) {
        assert.not.match(s.reason, /^not a valid Compose file or manifest/, s.reason);
        assert.not.ok(s.reason.includes(root), s.reason);
      }
    }),
    { numRuns: 300 },
  );
});

test.after(() => rmSync(root, { recursive: true, force: true }));
test.run();
