// npm test's proof that the stacks need no view of the engine's kernel: the runner as Docker Desktop makes one
// on macOS and Windows. A container (sidecar-lab/runner, the catalogue's CI-only image) with the engine's socket,
// on the host's network (where the stacks publish on 127.0.0.1, as Desktop forwards them to the Mac's loopback),
// but with a PID namespace and a /proc of its own, runs each stack's scenario. The clone is mounted at the same
// path, because the engine resolves a compose file's bind mounts on its own host. Node, the docker CLI and the
// Compose plugin are the host's own, mounted read-only: the image needs nothing beyond Debian packages.
import { existsSync, readlinkSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { $ } from 'zx';
import { ROOT, VERSION } from './config.js';
import { Project } from './compose.js';
import { imageEnv } from './images.js';
import type { Count } from './test-run.js';

export const RUNNER_IMAGE = `sidecar-lab/runner:${VERSION}`;
/** The stacks the proof runs: each reads a pod's processes or namespaces in its checks. */
export const DESKTOP_STACKS = ['https', 'topz', 'patterns'];
/** A full npm test runs these stacks from the runner only: on the host they would repeat every check but the four
 * that read the host's /proc (the lab's picture; verify's namespaces, crash and ports), which the host runs of
 * mesh, logs, config and paas prove of the same code. `npm test https` (a stack named) still runs it on the host. */
const RUNNER_ONLY = DESKTOP_STACKS;

/** The stacks a full npm test runs on the host. */
export const hostRuns = (stacks: string[]) => stacks.filter((s) => !RUNNER_ONLY.includes(s));
/** Variables the runner gets from this environment, by name only (their values stay out of the command line). */
const PASSED = /^(SIDECAR_LAB_\w+|BASE_IMAGE|LOCAL_BASE_IMAGE|CI|(HTTP|HTTPS|NO)_PROXY|(http|https|no)_proxy)$/;

export interface HostTools {
  root: string;
  /** The git directory a worktree's .git file points into, when it lies outside the clone. */
  gitDir?: string;
  node: string;
  docker: string;
  compose: string;
  socket: string;
}

/** The arguments (after docker run) that make the runner: same-path clone, the host's tools read-only, its own PID
 * namespace and /proc (the default: nothing here shares them), root (the stacks chown their secrets). */
export function runnerArgs(t: HostTools, env: NodeJS.ProcessEnv = process.env): string[] {
  const ro = (from: string, to = from) => ['--volume', `${from}:${to}:ro`];
  return [
    '--network',
    'host',
    '--user',
    '0:0',
    '--volume',
    `${t.socket}:/var/run/docker.sock`,
    '--volume',
    `${t.root}:${t.root}`,
    ...(t.gitDir ? ro(t.gitDir) : []),
    ...ro(t.node, '/usr/local/bin/node'),
    ...ro(t.docker, '/usr/local/bin/docker'),
    ...ro(t.compose, '/usr/libexec/docker/cli-plugins/docker-compose'),
    '--workdir',
    t.root,
    ...Object.keys(env)
      .filter((k) => PASSED.test(k))
      .sort()
      .flatMap((k) => ['--env', k]),
    RUNNER_IMAGE,
  ];
}

const COMPOSE_DIRS = [
  join(homedir(), '.docker', 'cli-plugins'),
  '/usr/local/lib/docker/cli-plugins',
  '/usr/local/libexec/docker/cli-plugins',
  '/usr/lib/docker/cli-plugins',
  '/usr/libexec/docker/cli-plugins',
];

/** The engine's Unix socket: DOCKER_HOST's when it names one, else the default. */
export function socketPath(dockerHost: string | undefined): string {
  if (!dockerHost) return '/var/run/docker.sock';
  const m = /^unix:\/\/(\/.+)$/.exec(dockerHost);
  if (!m) throw new Error(`DOCKER_HOST=${dockerHost}: the runner needs the engine's Unix socket (unix:///path)`);
  return m[1]!;
}

/** The host's node, docker CLI, Compose plugin, engine socket and git directory; throws one line naming what is missing. */
export async function hostTools(): Promise<HostTools> {
  const onPath = (name: string) =>
    (process.env.PATH ?? '')
      .split(delimiter)
      .map((d) => join(d, name))
      .find((f) => existsSync(f));
  const docker = onPath('docker');
  const compose = COMPOSE_DIRS.map((d) => join(d, 'docker-compose')).find((f) => existsSync(f));
  if (!docker || !compose)
    throw new Error(
      `the runner needs the host's docker CLI and Compose plugin: ${docker ? `no docker-compose in ${COMPOSE_DIRS.join(', ')}` : 'no docker on PATH'}`,
    );
  const common = (await $`git -C ${ROOT} rev-parse --git-common-dir`.quiet().nothrow()).stdout.trim();
  const gitDir = common ? resolve(ROOT, common) : undefined;
  return {
    root: ROOT,
    ...(gitDir && !gitDir.startsWith(`${ROOT}/`) ? { gitDir } : {}),
    node: realpathSync(process.execPath),
    docker: realpathSync(docker),
    compose: realpathSync(compose),
    socket: socketPath(process.env.DOCKER_HOST),
  };
}

export interface StackOutcome extends Count {
  /** The checks that said they cannot run here, with why: neither a pass nor a failure. */
  skipped: string[];
}

/** A stack run's counts from its output: the summary line, less the checks it reported skipped. */
export function stackOutcome(stack: string, stdout: string): StackOutcome | undefined {
  const m = new RegExp(`^${stack}: (\\d+) passed, (\\d+) failed$`, 'm').exec(stdout);
  if (!m) return undefined;
  const skipped = [...stdout.matchAll(/^ {2}- \d+\. (.+): skipped: (.*)$/gm)].map((s) => `${s[1]}: ${s[2]}`);
  return { passed: Number(m[1]) - skipped.length, failed: Number(m[2]), skipped };
}

/** The PID namespace of this process and of a fresh runner: they must differ, or the proof proves nothing. */
async function pidNamespaces(args: string[]): Promise<[host: string, runner: string]> {
  const r = await $`docker run --pull never --rm ${args} readlink /proc/self/ns/pid`.quiet().nothrow();
  if (r.exitCode !== 0) throw new Error(`the runner did not start (exit ${r.exitCode}): ${r.stderr.trim()}`);
  return [readlinkSync('/proc/self/ns/pid'), r.stdout.trim()];
}

/** The part: build the runner, check that it does not share the host's PID namespace, then run each stack in it. */
export async function runDesktopPart(log: (t: string) => void, stacks = DESKTOP_STACKS): Promise<Count> {
  const env = await imageEnv();
  await new Project({ project: 'sidecar-lab-images', cwd: ROOT, files: ['compose.yaml'], env, profiles: ['ci'] }).build(['runner']);
  const args = runnerArgs(await hostTools());
  const total: Count = { passed: 0, failed: 0 };
  const [host, runner] = await pidNamespaces(args);
  const own = host !== runner && /^pid:\[\d+\]$/.test(runner);
  log(`${own ? '✔' : '✘'} the runner's PID namespace is its own (${runner}), not the host's (${host})\n`);
  total[own ? 'passed' : 'failed']++;
  for (const stack of stacks) {
    const r = await $({
      nothrow: true,
      quiet: true,
      verbose: false,
      timeout: '20m',
    })`docker run --pull never --rm ${args} node dist/scripts/stack.js ${stack}`;
    log(r.stdout + r.stderr);
    const o = stackOutcome(stack, r.stdout);
    if (!o) {
      log(`✘ ${stack} in the runner: it ended without its summary (exit ${r.exitCode})\n`);
      total.failed++;
      continue;
    }
    log(
      `${stack} in the runner: ${o.passed} passed, ${o.failed} failed, ${o.skipped.length} skipped\n${o.skipped.map((s) => `  skipped: ${s}\n`).join('')}`,
    );
    total.passed += o.passed;
    total.failed += o.failed;
  }
  return total;
}
