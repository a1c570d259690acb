// The runner that proves the stacks need no view of the engine's kernel (scripts/lib/desktop-runner.ts): the
// arguments that make it, the engine socket it mounts, and how a stack run's output inside it is counted.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RUNNER_IMAGE, runnerArgs, socketPath, stackOutcome } from '../desktop-runner.js';

const tools = {
  root: '/work/clone',
  gitDir: '/work/main/.git',
  node: '/usr/bin/node',
  docker: '/usr/local/bin/docker',
  compose: '/usr/libexec/docker/cli-plugins/docker-compose',
  socket: '/var/run/docker.sock',
};
const pairs = (args: string[], flag: string) => args.flatMap((a, i) => (a === flag ? [args[i + 1]!] : []));

test('the runner mounts the clone at the same path, the host tools read-only, and shares only the host network', () => {
  const args = runnerArgs(tools, {});
  assert.equal(pairs(args, '--volume'), [
    '/var/run/docker.sock:/var/run/docker.sock',
    '/work/clone:/work/clone',
    '/work/main/.git:/work/main/.git:ro',
    '/usr/bin/node:/usr/local/bin/node:ro',
    '/usr/local/bin/docker:/usr/local/bin/docker:ro',
    '/usr/libexec/docker/cli-plugins/docker-compose:/usr/libexec/docker/cli-plugins/docker-compose:ro',
  ]);
  assert.equal(pairs(args, '--network'), ['host']);
  assert.equal(pairs(args, '--workdir'), ['/work/clone']);
  assert.not.ok(
    args.some((a) => a === '--pid' || a === '--privileged' || /(^|:)\/proc(:|$)/.test(a)),
    'no host PID namespace, no privilege, no /proc mount',
  );
  assert.is(args.at(-1), RUNNER_IMAGE, 'the image comes last, for the command to follow');
});

test('the runner gets the lab’s, the base image’s, CI’s and the proxy variables by name, and no other', () => {
  const env = { SIDECAR_LAB_CHROMIUM: '/x', BASE_IMAGE: 'b', CI: 'true', https_proxy: 'http://p:3128', HOME: '/root', PATH: '/bin' };
  assert.equal(pairs(runnerArgs(tools, env), '--env'), ['BASE_IMAGE', 'CI', 'SIDECAR_LAB_CHROMIUM', 'https_proxy']);
});

test('a worktree whose git directory is inside the clone mounts nothing more', () => {
  const { gitDir: _, ...inside } = tools;
  assert.is(pairs(runnerArgs(inside, {}), '--volume').length, 5);
});

test('the engine socket is DOCKER_HOST’s Unix socket, or the default; another DOCKER_HOST is refused in one line', () => {
  assert.is(socketPath(undefined), '/var/run/docker.sock');
  assert.is(socketPath('unix:///run/user/1000/docker.sock'), '/run/user/1000/docker.sock');
  try {
    socketPath('tcp://10.0.0.2:2375');
    assert.unreachable('a TCP engine must be refused');
  } catch (e) {
    assert.match((e as Error).message, /^DOCKER_HOST=tcp:\/\/10\.0\.0\.2:2375: the runner needs the engine's Unix socket/);
  }
});

test('a stack run counts its passed checks less those it reported skipped, with the reasons kept', () => {
  const out = [
    '  ✔ 1. HTTPS answers (20 ms)',
    '  - 2. verify: the members share namespaces: skipped: the engine’s processes are not visible',
    '  ✘ 3. topz lists the pod (5 ms)',
    '  - 4. lab: the Pods view: skipped: no root',
    'https: 4 passed, 1 failed',
  ].join('\n');
  assert.equal(stackOutcome('https', out), {
    passed: 2,
    failed: 1,
    skipped: ['verify: the members share namespaces: the engine’s processes are not visible', 'lab: the Pods view: no root'],
  });
  assert.is(stackOutcome('topz', out), undefined, 'no summary of that stack');
});

test.run();
