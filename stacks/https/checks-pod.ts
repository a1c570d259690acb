// Checks 4-7: the pod. Shared namespaces, start/stop order, and what survives a crash or restart.
import { $ } from 'zx';
import { eventually, expect, type Check } from '../../scripts/lib/check.js';
import * as chaos from '../../scripts/lib/chaos.js';
import * as docker from '../../scripts/lib/docker.js';
import { firstEvent as first, timeline } from '../../scripts/lib/events.js';
import type { StackContext } from '../../scripts/lib/lifecycle.js';
import { httpsGet } from '../../scripts/lib/tls-client.js';
import { VERSION } from '../../scripts/lib/config.js';
import { deadlineScale } from '../../scripts/lib/platform.js';
import { caPem, get } from './support.js';

type C = Check<StackContext>;

/** A container's network and PID namespaces (one line each), as a toolbox container that joins both reads
 * them: the pause and sidecar images have no readlink. */
export async function namespacesOf(id: string): Promise<string> {
  const args = ['--network', `container:${id}`, '--pid', `container:${id}`, `sidecar-lab/toolbox:${VERSION}`];
  const r = await docker.runOnce([...args, 'readlink', '/proc/self/ns/net', '/proc/self/ns/pid']);
  if (r.code !== 0) throw new Error(`readlink of ${id}'s namespaces failed (exit ${r.code}): ${r.stderr.trim()}`);
  return r.stdout.trim();
}

/** The engine host's network namespace, as a toolbox container on the host network reads it: the runner's own
 * may be another machine's (Docker Desktop runs the engine in a VM). */
async function hostNetwork(): Promise<string> {
  const r = await docker.runOnce([
    '--network',
    'host',
    '--read-only',
    '--cap-drop',
    'ALL',
    `sidecar-lab/toolbox:${VERSION}`,
    'readlink',
    '/proc/self/ns/net',
  ]);
  if (r.code !== 0) throw new Error(`readlink of the host's network namespace failed (exit ${r.code}): ${r.stderr.trim()}`);
  return r.stdout.trim();
}

export const sharedNamespaces: C = {
  name: 'the sidecar and the app share one network namespace and one PID namespace, the pod’s, whose PID 1 reaps orphaned zombies',
  effect: 'starts',
  async run(ctx) {
    const ns = async (service: string) => namespacesOf(await ctx.project.id(service));
    const [pod, side, app] = await Promise.all([ns('pod'), ns('tls-proxy'), ns('app')]);
    expect.equal(side, pod, 'tls-proxy namespaces (net, pid) against the pod’s');
    expect.equal(app, pod, 'app namespaces (net, pid) against the pod’s');
    const host = await hostNetwork();
    expect.ok(side.split('\n')[0] !== host, 'the pod has its own network namespace, not the host’s', `not ${host}`, side.split('\n')[0]);

    // An orphan exits inside the pod's PID namespace: the pod's PID 1 (catatonit) must reap it. The probe
    // watches until no zombie is left, for 10 s at most (a bound only a PID 1 that never reaps reaches): on a
    // loaded machine reaping, or another process's own child, can take longer than any fixed wait.
    // Control: the same orphan under a PID 1 that does not reap (plain sleep) is still a zombie 1.5 s on.
    const zombies = 'ps -eo stat=,comm= | grep -c "^Z"';
    const reaped = `(sleep 1 &); sleep 1.2; for i in $(seq 100); do n=$(${zombies}); [ "$n" = 0 ] && break; sleep 0.1; done; echo "$n"`;
    const stays = `(sleep 1 &); sleep 2.5; ${zombies} || true`;
    const toolbox = `sidecar-lab/toolbox:${VERSION}`;
    const inPod = await docker.runOnce([
      '--pid',
      `container:${await ctx.project.id('pod')}`,
      '--network',
      'none',
      toolbox,
      'sh',
      '-c',
      reaped,
    ]);
    expect.equal(inPod.stdout.trim(), '0', 'zombies left in the pod once its PID 1 has reaped the orphan (within 10 s)');
    const sleeper = (await $`docker run --pull never -d --network none --entrypoint sleep ${toolbox} 60`.quiet()).stdout.trim();
    try {
      const control = await docker.runOnce(['--pid', `container:${sleeper}`, '--network', 'none', toolbox, 'sh', '-c', stays]);
      expect.equal(control.stdout.trim(), '1', 'zombies left under a PID 1 that does not reap (control)');
    } finally {
      await $`docker rm -f ${sleeper}`.quiet().nothrow();
    }
  },
};

export const startStopOrder: C = {
  name: 'the sidecar is healthy before the app starts, and on down the app stops before the sidecar (docker event timeline)',
  effect: 'destroys',
  needs: 'start',
  async run(ctx) {
    const up = ctx.events();
    const healthy = first(up, 'tls-proxy', /^health_status: healthy$/),
      appStart = first(up, 'app', /^start$/);
    expect.ok(
      Boolean(healthy && appStart && healthy.time < appStart.time),
      'tls-proxy healthy before app start',
      'tls-proxy "health_status: healthy" earlier than app "start"',
      timeline(up, ctx.upAt),
    );

    const t0 = Date.now();
    await ctx.project.down();
    // The recorder streams; give it a moment to deliver the last events of the down.
    const down = await eventually(
      async () => {
        const evs = ctx.events().filter((e) => e.time >= t0);
        expect.ok(Boolean(first(evs, 'pod', /^die$/)), 'the down is recorded through to the pod', 'pod "die"', timeline(evs, t0));
        return evs;
      },
      { within: 3000 },
    );
    const appDie = first(down, 'app', /^die$/),
      sideKill = first(down, 'tls-proxy', /^kill$/),
      sideDie = first(down, 'tls-proxy', /^die$/);
    expect.ok(
      Boolean(appDie && sideKill && sideDie && appDie.time < sideKill.time),
      'app stopped before the sidecar was signalled',
      'app "die" earlier than tls-proxy "kill"',
      timeline(down, t0),
    );
    // Bring the stack back for the checks that follow.
    await ctx.project.up();
  },
};

export const sidecarCrash: C = {
  name: 'SIGKILL to the sidecar leaves the app’s process untouched (same PID and start time), and HTTPS works again within 5 s',
  effect: 'destroys',
  async run(ctx) {
    const [sideId, appId] = [await ctx.project.id('tls-proxy'), await ctx.project.id('app')];
    const [side0, app0] = [await docker.state(sideId), await docker.state(appId)];
    const t0 = Date.now();
    await chaos.crashSidecar(sideId);
    // The kill lands asynchronously: wait until the restart policy has brought up a new process.
    await eventually(
      async () => {
        const s = await docker.state(sideId);
        expect.ok(
          s.restartCount > side0.restartCount && s.running,
          'the sidecar really died and was restarted by its restart policy',
          `restart count > ${side0.restartCount}, running`,
          s,
        );
      },
      { within: 5000 },
    );
    // Back means a 200: a 502 while the app is still coming up is not yet back.
    await eventually(
      async () =>
        expect.equal((await get(ctx, '/after-crash')).status, 200, `HTTPS after the sidecar crash (${Date.now() - t0} ms after the kill)`),
      // What is left of the 5 s since the kill (eventually scales it back when emulated).
      { within: Math.max(0, 5000 - (Date.now() - t0) / deadlineScale()) },
    );
    const [side1, app1] = [await docker.state(sideId), await docker.state(appId)];
    expect.ok(side1.pid !== side0.pid, 'the sidecar runs as a new process', `a PID other than ${side0.pid}`, side1.pid);
    expect.equal(
      { pid: app1.pid, startedAt: app1.startedAt },
      { pid: app0.pid, startedAt: app0.startedAt },
      'the app’s PID and start time',
    );
  },
};

export const appRestart: C = {
  weight: 'heavy',
  name: 'docker restart of the app leaves the sidecar working and HTTPS back within 5 s; the naive layout (sidecar joined to the app) loses its network',
  effect: 'destroys',
  async run(ctx) {
    const [sideId, appId] = [await ctx.project.id('tls-proxy'), await ctx.project.id('app')];
    const side0 = await docker.state(sideId);
    await $`docker restart -t 2 ${appId}`.quiet();
    const t0 = Date.now();
    await eventually(
      async () =>
        expect.equal(
          (await get(ctx, '/after-app-restart')).status,
          200,
          `HTTPS after docker restart of the app (${Date.now() - t0} ms after it)`,
        ),
      { within: 5000 },
    );
    expect.equal((await docker.state(sideId)).pid, side0.pid, 'the sidecar’s PID (untouched by the app restart)');

    // The lesson: the same restart breaks the naive layout for good.
    const naive = await ctx.sideProject('compose.naive.yaml', 'naive');
    const url = `https://${await naive.port('app', 8443)}/naive`;
    expect.equal((await httpsGet(url, { ca: caPem(ctx) })).status, 200, 'the naive layout serves HTTPS before the restart');
    const [nApp, nSide] = [await naive.id('app'), await naive.id('tls-proxy')];
    const nApp0 = await docker.state(nApp);
    await $`docker restart -t 2 ${nApp}`.quiet();
    // The event that would let HTTPS work again: the new app process is up and healthy. Only then is
    // the failure the layout's, not a restart still under way.
    await eventually(
      async () => {
        const s = await docker.state(nApp);
        expect.equal(
          { newPid: s.pid !== nApp0.pid, running: s.running, health: s.health },
          { newPid: true, running: true, health: 'healthy' },
          'the restarted naive app',
        );
      },
      { within: 30_000, every: 250 },
    );
    const after = await httpsGet(url, { ca: caPem(ctx) }).then(
      (x) => `HTTP ${x.status}`,
      (e: Error) => `error: ${e.message}`,
    );
    expect.match(after, /^error/, 'HTTPS through the naive layout once its restarted app is healthy again');
    const [appNs, sideNs] = [(await namespacesOf(nApp)).split('\n')[0]!, (await namespacesOf(nSide)).split('\n')[0]!];
    expect.ok(appNs !== sideNs, 'the naive sidecar is left in the old network namespace', `different from the app’s ${appNs}`, sideNs);
  },
};
