// The room's bundle, proven with the network cut: a copy of the tree (a commit of its own, its images under a tag
// of its own) writes `npm run workshop -- bundle FILE --stack https`; a second Docker engine, started here in a
// network namespace with nothing in it but loopback and its own bridges, gets it through `npm run workshop --
// load FILE` in a fresh clone with no node_modules, run from that namespace; then `npm run stack:https` passes
// there. With no route out, a pull, an apt-get in a build or an npm download would fail, and the engine's events
// would show a pull. Needs root (a network namespace, a second dockerd); ends that dockerd by its PID.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { $, type Duration } from 'zx';
import { VERSION } from '../config.js';
import { until } from '../../../sidecars/lib/test-support/wait.js';
import { copyTree } from './tree-copy.js';

const test = suite('a room bundle, loaded with the network cut');
const COPY_VERSION = `${VERSION}-room`;
const work = mkdtempSync(join(tmpdir(), 'sl-room-'));
const engine = { sock: join(work, 'docker.sock'), pidfile: join(work, 'dockerd.pid'), pid: 0 };
const bundle = join(work, 'room.tar');
let tree = '';

/** A command run in the engine's network namespace, talking to that engine. */
const cut = (cwd: string, cmd: string[], timeout: Duration = '8m') =>
  $({
    cwd,
    nothrow: true,
    quiet: true,
    timeout,
    env: { ...process.env, DOCKER_HOST: `unix://${engine.sock}`, CI: 'true' },
  })`nsenter ${`--net=/proc/${engine.pid}/ns/net`} ${cmd}`;
const said = (r: { stdout: string; stderr: string }) => `stdout:\n${r.stdout.slice(-4000)}\nstderr:\n${r.stderr.slice(-2000)}`;

test.before(async () => {
  assert.is(process.getuid?.(), 0, 'this test starts a dockerd in a network namespace of its own: it runs as root');
  tree = copyTree(COPY_VERSION, 'sl-room-tree-');
  const dockerd = [
    `ip link set lo up; exec dockerd --data-root ${join(work, 'data')} --exec-root ${join(work, 'exec')}`,
    `--pidfile ${engine.pidfile} -H unix://${engine.sock}`,
  ].join(' ');
  spawn('unshare', ['--net', '--fork', 'sh', '-c', dockerd], { stdio: ['ignore', 'ignore', 'ignore'], detached: true }).unref();
  await until(
    'the second dockerd answers',
    async () => existsSync(engine.pidfile) && (await $`docker -H ${`unix://${engine.sock}`} version`.quiet().nothrow()).exitCode === 0,
    60_000,
    250,
  );
  engine.pid = Number(readFileSync(engine.pidfile, 'utf8'));
});

test.after(async () => {
  if (engine.pid) {
    process.kill(engine.pid, 'SIGTERM');
    await until('the second dockerd ends', () => !existsSync(`/proc/${engine.pid}`), 60_000, 250).catch(() => {});
  }
  const copyImages = (
    await $`docker images --filter ${`reference=sidecar-lab/*:${COPY_VERSION}`} --format ${'{{.Repository}}:{{.Tag}}'}`.quiet().nothrow()
  ).stdout
    .split('\n')
    .filter(Boolean);
  if (copyImages.length) await $`docker rmi ${copyImages}`.quiet().nothrow();
  // dockerd leaves its namespace's bind mount (exec/netns/default) behind: unmounted, then everything removed.
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((m) => m.startsWith(`${work}/`));
  for (const m of mounts.reverse()) await $`umount -l ${m}`.quiet().nothrow();
  for (const dir of [work, tree]) if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the engine for the room has no route out: only loopback and its own bridge', async () => {
  const routes = (await cut(work, ['ip', 'route'])).stdout;
  assert.not.match(routes, /^default/m);
  assert.not.match((await cut(work, ['ip', '-6', 'route'])).stdout, /^default/m);
});

test('bundle --stack https writes one file with the https stack’s images, the base image, an npm cache and Bun', async () => {
  const arch = (await $`docker version --format ${'{{.Server.Arch}}'}`.quiet()).stdout.trim();
  const r = await $({
    cwd: tree,
    nothrow: true,
    quiet: true,
    timeout: '10m',
  })`node scripts/workshop.mjs bundle ${bundle} --stack https --platform ${`linux/${arch}`}`;
  assert.is(r.exitCode, 0, said(r));
  const manifest = JSON.parse(execFileSync('tar', ['-xOf', bundle, 'manifest.json'], { encoding: 'utf8' })) as {
    revision: string;
    platforms: Record<string, { file: string; images: Record<string, string> }>;
  };
  assert.is(manifest.revision, execFileSync('git', ['rev-parse', 'HEAD'], { cwd: tree, encoding: 'utf8' }).trim());
  assert.equal(Object.keys(manifest.platforms), [`linux/${arch}`]);
  assert.equal(
    Object.keys(manifest.platforms[`linux/${arch}`]!.images)
      .map((r) => r.replace(/:.*/, ''))
      .sort(),
    ['sidecar-lab/base', 'sidecar-lab/legacy-greeter', 'sidecar-lab/pause', 'sidecar-lab/tls-proxy', 'sidecar-lab/toolbox'],
  );
  const members = execFileSync('tar', ['-tf', bundle], { encoding: 'utf8' }).split('\n');
  assert.ok(
    members.includes(`images-${arch}.tar`) && members.some((m) => m.startsWith('npm-cache/_cacache/')),
    members.slice(0, 5).join(', '),
  );
  assert.ok(
    members.some((m) => /^bun\/[\d.]+\/linux-x64\/bun$/.test(m)),
    'the Linux Bun binary',
  );
});

test('load in a fresh clone installs the images and the npm packages with no network, and a stack run builds nothing', async () => {
  const clone = join(work, 'clone');
  execFileSync('git', ['clone', '-q', tree, clone]);
  const since = Math.floor(Date.now() / 1000);
  const load = await cut(clone, ['node', 'scripts/workshop.mjs', 'load', bundle]);
  assert.is(load.exitCode, 0, said(load));
  assert.match(load.stdout, /nothing was downloaded/);
  assert.ok(existsSync(join(clone, 'node_modules', 'zx', 'package.json')), 'node_modules installed by npm ci --offline');

  const run = await cut(clone, ['npm', 'run', '-s', 'stack:https'], '10m');
  assert.is(run.exitCode, 0, said(run));
  assert.match(run.stdout, /^https: [1-9]\d* passed, 0 failed$/m);
  assert.match(run.stdout, /image\(s\) as the room bundle loaded them: legacy-greeter, pause, tls-proxy, toolbox/);
  assert.not.match(run.stdout, /building \d+ image/);
  const pulls = await cut(clone, [
    'docker',
    'events',
    '--since',
    String(since),
    '--until',
    String(Math.floor(Date.now() / 1000)),
    '--filter',
    'event=pull',
  ]);
  assert.is(pulls.exitCode, 0, said(pulls));
  assert.is(pulls.stdout.trim(), '', 'image pulls on the room’s engine');
});

test('load refuses a clone at another commit, and names the one to check out', async () => {
  const clone = join(work, 'clone');
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@localhost', 'commit', '-q', '--allow-empty', '-m', 'a learner’s commit'], {
    cwd: clone,
  });
  const r = await cut(clone, ['node', 'scripts/workshop.mjs', 'load', bundle]);
  assert.is(r.exitCode, 2);
  assert.match(
    r.stderr,
    /^workshop: load: .* holds the images of commit [0-9a-f]{12}, and this clone is at [0-9a-f]{12}: git checkout [0-9a-f]{12} first$/m,
  );
});

test.run();
