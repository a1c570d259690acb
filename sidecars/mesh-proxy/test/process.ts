// mesh-proxy as a real process, for the tests that attack it so: the bundle the image runs
// (sidecars/mesh-proxy/dist/main.mjs, made by `npm run build`) under Bun, its admin port read as
// Prometheus would, and its exit. Destinations resolve through getaddrinfo, so a test that needs DNS
// answers runs the process in its own mount namespace, with its own /etc/hosts (rewritten in place:
// a bind-mounted file pins its inode) and an nsswitch.conf of `hosts: files`, so that an unknown
// name fails at once instead of asking the network. The machine's /etc/hosts is never touched.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import { probe } from '../../lib/admin.js';
import { exited, get, type Run, runCommand } from '../../lib/test-support/child.js';
import { freePort, until, within } from '../../lib/test-support/wait.js';
import { type App, type Mesh, type MeshProxy, meshSuite, metricSum, startApp, startMeshProxy } from './mesh.js';
import { servedSerial, steadyLoad } from './peer.js';
import { makeMeshPki, type MeshPki } from './pki.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BUN = join(ROOT, 'node_modules/.bin/bun');
const BUNDLE = join(ROOT, 'sidecars/mesh-proxy/dist/main.mjs');

let unshareChecked: string | undefined | null = null;
/** Why a process cannot get its own /etc/hosts here (not root, no mount namespaces), or undefined when it can. */
export function hostsProblem(): string | undefined {
  if (unshareChecked === null) {
    const r = spawnSync('unshare', ['--mount', '--propagation', 'private', 'true'], { encoding: 'utf8' });
    unshareChecked = r.status === 0 ? undefined : `unshare --mount failed (${r.error?.message ?? r.stderr.trim()}): it needs root`;
  }
  return unshareChecked;
}

export interface Hosts {
  dir: string;
  /** Rewrites the hosts file in place: each name resolves to these addresses; a name not given is unknown. */
  set(answers: Record<string, string[]>, extra?: string): void;
  cleanup(): void;
}

export function hostsFile(answers: Record<string, string[]>): Hosts {
  const dir = mkdtempSync(join(tmpdir(), 'mesh-proxy-hosts-'));
  writeFileSync(join(dir, 'nsswitch.conf'), 'hosts: files\n');
  const hosts: Hosts = {
    dir,
    set(a, extra = '') {
      const lines = Object.entries(a).flatMap(([name, addresses]) => addresses.map((ip) => `${ip} ${name}\n`));
      // writeFileSync truncates and writes the same inode, which is what the process's bind mount shows.
      writeFileSync(join(dir, 'hosts'), `127.0.0.1 localhost\n${lines.join('')}${extra}`);
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
  hosts.set(answers);
  return hosts;
}

export interface Proxy extends Run {
  admin: number;
  /** The sum of a metric's samples, as /metrics shows it now, whose labels include these. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** The statuses of /healthz and /readyz. */
  health(): Promise<[number, number]>;
  /** SIGTERM; the exit and how long it took (SIGKILL past limitMs). */
  stop(limitMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
  /** SIGKILL, if it still runs: for finally blocks. */
  kill(): void;
}

/** Starts the bundle with these flags (namespace test, a free admin port on 127.0.0.1), in its own hosts world if given; resolves once /healthz answers. */
export async function spawnProxy(flags: string[], hosts?: Hosts): Promise<Proxy> {
  const admin = await freePort();
  const argv = [BUNDLE, '--namespace', 'test', '--admin-port', String(admin), '--admin-address', '127.0.0.1', ...flags];
  const mounts = 'mount --bind "$0/hosts" /etc/hosts && mount --bind "$0/nsswitch.conf" /etc/nsswitch.conf && exec "$@"';
  // unshare and sh exec in turn: the child's pid is Bun's, so signals reach mesh-proxy itself.
  const r = hosts
    ? runCommand('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', mounts, hosts.dir, BUN, ...argv])
    : runCommand(BUN, argv);
  const proxy: Proxy = Object.assign(r, {
    admin,
    metric: async (name: string, labels?: Record<string, string>) => metricSum((await get(admin, '/metrics')).body, name, labels),
    health: async (): Promise<[number, number]> => [(await get(admin, '/healthz')).status, (await get(admin, '/readyz')).status],
    async stop(limitMs = 5000) {
      const t0 = Date.now();
      r.child.kill('SIGTERM');
      return { ...(await exited(r, limitMs)), ms: Date.now() - t0 };
    },
    kill: () => {
      if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    },
  });
  try {
    await until(
      'mesh-proxy to answer /healthz',
      async () => {
        if (r.child.exitCode !== null) throw new Error(`mesh-proxy exited ${r.child.exitCode}: ${r.stderr}`);
        return probe(admin, '/healthz', 500);
      },
      15_000,
      50,
    );
  } catch (e) {
    proxy.kill();
    throw e;
  }
  return proxy;
}

/** Asserts-ready facts about a process at the end of a test: alive, healthy, ready, and a clean drain. */
export async function stopsCleanly(p: Proxy, drainMs: number): Promise<string[]> {
  const wrong: string[] = [];
  if (p.child.exitCode !== null) wrong.push(`exited early: ${p.child.exitCode} ${p.stderr}`);
  const [healthz, readyz] = await p.health();
  if (healthz !== 200 || readyz !== 200) wrong.push(`/healthz ${healthz}, /readyz ${readyz}`);
  const exit = await p.stop(drainMs + 3000);
  if (exit.code !== 0 || exit.signal !== null) wrong.push(`SIGTERM: exit ${exit.code} ${exit.signal}; stderr: ${p.stderr}`);
  if (exit.ms > drainMs) wrong.push(`the drain took ${exit.ms} ms, over --drain-timeout ${drainMs} ms`);
  return wrong;
}

/** meshSuite (in-process backends on 127.0.0.2-4), its tests skipped with the reason printed where a process cannot get its own /etc/hosts. */
export function hostsMeshSuite(name: string) {
  const test = meshSuite(name);
  const why = hostsProblem();
  if (why) console.log(`SKIPPED ${name}: ${why}`);
  return { test: why ? test.skip : test, run: () => test.run() };
}

export const DRAIN_MS = 3000;

/** A frontend mesh-proxy process whose outbound port leads to `backend`, resolved through the hosts file. */
export async function frontendProcess(mesh: Mesh, hosts: Hosts, flags: string[] = []): Promise<Proxy & { port: number }> {
  const port = await freePort();
  const argv = ['--service', 'frontend', '--identity-dir', mesh.frontendDir, '--inbound-address', '127.0.0.1'];
  argv.push('--inbound-port', String(await freePort()), '--outbound', `backend:${mesh.inboundPort}=${port}`);
  // Readiness asks only that the app's port accept a connection: any listening app does.
  argv.push('--app-port', String(mesh.apps[0]!.port), '--dns-refresh', '200ms', '--drain-timeout', `${DRAIN_MS}ms`, ...flags);
  return Object.assign(await spawnProxy(argv, hosts), { port });
}

/** A backend mesh-proxy process in front of the app, taking mTLS from `frontend` on 127.0.0.1:inbound. */
export async function backendProcess(identityDir: string, appPort: number, flags: string[] = []): Promise<Proxy & { inbound: number }> {
  const inbound = await freePort();
  const argv = ['--service', 'backend', '--identity-dir', identityDir, '--app-port', String(appPort), '--allow', 'frontend'];
  argv.push('--inbound-address', '127.0.0.1', '--inbound-port', String(inbound), '--drain-timeout', `${DRAIN_MS}ms`, ...flags);
  return Object.assign(await spawnProxy(argv), { inbound });
}

/** The backend process on this identity dir, an in-process frontend to it, steady load through both, and what stops them. */
export async function backendUnderLoad(pki: MeshPki, identityDir: string, app: App, flags: string[] = []) {
  const be = await backendProcess(identityDir, app.port, flags);
  const port = await freePort();
  const frontendDir = pki.identity('frontend');
  const argv = ['--service', 'frontend', '--identity-dir', frontendDir, '--inbound-address', '127.0.0.1', '--inbound-port'];
  argv.push(String(await freePort()), '--app-port', String(app.port), '--outbound', `backend:${be.inbound}=${port}`);
  let fe: MeshProxy;
  try {
    fe = await startMeshProxy('frontend', argv, { resolve: async () => ['127.0.0.1'] });
  } catch (e) {
    be.kill();
    throw e;
  }
  const ca = readFileSync(pki.caFile);
  const load = steadyLoad(port, { addresses: ['127.0.0.1'], port: be.inbound, identity: frontendDir, ca });
  let stopped: Promise<void> | undefined;
  /** Stops the load and the frontend, once however often called. */
  const stop = () => (stopped ??= load.stop().then(() => within(5000, 'the frontend to drain', fe.drain())));
  const serial = async () => (await servedSerial('127.0.0.1', be.inbound, frontendDir, ca)).toUpperCase();
  return { be, load, stop, serial };
}

/** A suite with a PKI and an app (b1) for a backend process to front, made once; the app answers at once at each test's start. */
export function backendSuite(name: string) {
  const test = suite<{ pki: MeshPki; app: App }>(name, {} as { pki: MeshPki; app: App });
  test.before(async (ctx) => {
    ctx.pki = makeMeshPki();
    ctx.app = await startApp('b1');
  });
  test.before.each(({ app }) => {
    app.delayMs = 0;
  });
  test.after(async ({ pki, app }) => {
    await app?.close();
    pki?.cleanup();
  });
  return test;
}
