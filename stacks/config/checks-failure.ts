// Checks 3, 7, 8 and 9: etcd going away, the sidecar restarting, readiness without etcd, and
// parameters that must stop the sidecar at start.
import { $ } from 'zx';
import { eventually, expect, throughout, type Check } from '../../scripts/lib/check.js';
import { VERSION } from '../../scripts/lib/config.js';
import * as chaos from '../../scripts/lib/chaos.js';
import * as docker from '../../scripts/lib/docker.js';
import type { StackContext } from '../../scripts/lib/lifecycle.js';
import { appView, configValue, endpoints, etcdOf, KEY, logLines, metricsOf, note, PODS, quiet, service, servedWithin } from './support.js';

/** What /readyz says once a sidecar's try of an unreachable etcd has failed. */
const TRIED = /no config yet: etcd .*(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|fetch failed|timed out)/;

type C = Check<StackContext>;
const IMAGE = `sidecar-lab/config-sync:${VERSION}`;

const healthy = (id: string, within: number) =>
  eventually(async () => expect.equal((await docker.state(id)).health, 'healthy', `health of ${id.slice(0, 12)}`), { within, every: 250 });

/** Stops etcd for the duration of fn, and always starts it again (waiting until it is healthy). */
async function withEtcdDown<T>(ctx: StackContext, fn: () => Promise<T>): Promise<T> {
  return chaos.withStopped(await ctx.project.id('etcd'), fn);
}

export const etcdDown: C = {
  weight: 'heavy',
  name: 'with etcd down both apps keep serving the last good config; once it is back they converge to the newest value',
  effect: 'destroys',
  async run(ctx) {
    const e0 = await endpoints(ctx.project);
    const last = await Promise.all(PODS.map(async (p) => (await appView(e0.app[p])).version));
    const failures0 = await Promise.all(PODS.map(async (p) => (await metricsOf(e0.admin[p])).get('config_sync_watch_failures_total') ?? 0));
    await withEtcdDown(ctx, async () => {
      await eventually(
        async () => {
          for (const p of PODS)
            expect.equal((await metricsOf(e0.admin[p])).get('config_sync_watch_connected'), 0, `sync-${p}: config_sync_watch_connected`);
        },
        { within: 10_000 },
      );
      // 3 s of serving without etcd
      await throughout(
        async () => {
          for (const [j, p] of PODS.entries()) {
            expect.equal((await appView(e0.app[p])).version, last[j], `app-${p} version while etcd is down`);
            expect.equal(
              (await fetch(`${e0.admin[p]}/readyz`)).status,
              200,
              `sync-${p} /readyz while etcd is down (it keeps the last good file)`,
            );
          }
        },
        { window: 3000, every: 250 },
      );
    });
    const e = await endpoints(ctx.project); // etcd's published port may have changed
    const version = `after-outage-${Date.now()}`;
    const t0 = performance.now();
    await (await etcdOf(ctx.project)).put(KEY, configValue(version));
    const ms = await Promise.all(PODS.map((p) => servedWithin(e.app[p], version, t0, 15_000)));
    note(
      `newest value served ${Math.round(ms[0]!)} ms (app-hup) and ${Math.round(ms[1]!)} ms (app-once) after the put that followed etcd's return`,
    );
    for (const [i, p] of PODS.entries()) {
      const m = await metricsOf(e.admin[p]);
      expect.ok(
        (m.get('config_sync_watch_failures_total') ?? 0) > failures0[i]!,
        `sync-${p} noticed the outage`,
        `config_sync_watch_failures_total > ${failures0[i]}`,
        m.get('config_sync_watch_failures_total'),
      );
      expect.equal(m.get('config_sync_watch_connected'), 1, `sync-${p}: config_sync_watch_connected after etcd came back`);
    }
  },
};

export const sidecarRestart: C = {
  weight: 'heavy',
  name: 'a sidecar restart does not restart the app, and does not signal it again when the config is unchanged',
  effect: 'destroys',
  async run(ctx) {
    const e = await endpoints(ctx.project);
    await quiet(e);
    const apps = await Promise.all(
      PODS.map(async (p) => ({ view: await appView(e.app[p]), state: await docker.state(await ctx.project.id(service(p, 'app'))) })),
    );
    const syncIds = await Promise.all(PODS.map((p) => ctx.project.id(service(p, 'sync'))));
    const etcdId = await ctx.project.id('etcd');
    const etcd0 = await docker.state(etcdId);
    const syncPids = await Promise.all(syncIds.map(async (id) => (await docker.state(id)).pid));
    const since = new Date(Date.now() - 500).toISOString();
    await $`docker restart -t 5 ${syncIds}`.quiet();
    await Promise.all(syncIds.map((id) => healthy(id, 45_000)));
    // Each new sidecar process decides about the value it finds in etcd and says so in its log: the
    // event after which a wrong reload would already have been sent.
    const decided = await Promise.all(
      syncIds.map((id, i) =>
        eventually(
          async () => {
            const lines = await logLines(id, since);
            expect.ok(
              lines.some((l) => l.msg === 'value unchanged; not reloading the app'),
              `sync-${PODS[i]} says why it did not reload`,
              'a log line "value unchanged; not reloading the app"',
              lines.map((l) => l.msg),
            );
            return lines;
          },
          { within: 30_000, every: 250 },
        ),
      ),
    );
    for (const [i, p] of PODS.entries()) {
      expect.ok((await docker.state(syncIds[i]!)).pid !== syncPids[i], `sync-${p} really restarted`, 'a new PID', syncPids[i]);
      const now = { view: await appView(e.app[p]), state: await docker.state(await ctx.project.id(service(p, 'app'))) };
      expect.equal(
        { view: now.view, pid: now.state.pid, startedAt: now.state.startedAt, restarts: now.state.restartCount },
        { view: apps[i]!.view, pid: apps[i]!.state.pid, startedAt: apps[i]!.state.startedAt, restarts: apps[i]!.state.restartCount },
        `app-${p}: same process, same config, no reload, no restart`,
      );
      const m = await metricsOf(e.admin[p]);
      const told = [...m].filter(([k]) => k.startsWith('config_sync_reloads_total')).reduce((n, [, v]) => n + v, 0);
      expect.equal(told, 0, `sync-${p}: reloads sent by the new sidecar process (config_sync_reloads_total)`);
      expect.ok(
        !decided[i]!.some((l) => l.msg === 'applied'),
        `sync-${p} applied nothing`,
        'no "applied" log line',
        decided[i]!.map((l) => l.msg),
      );
    }
    // Positive control: the restarted sidecars still deliver a change. etcd must be the very process it
    // was (restarting sidecars touches nothing else), and its address is asked again at the moment of use.
    const etcd1 = await docker.state(etcdId);
    expect.equal(
      { running: etcd1.running, pid: etcd1.pid, restarts: etcd1.restartCount },
      { running: true, pid: etcd0.pid, restarts: etcd0.restartCount },
      'etcd untouched by the sidecar restarts',
    );
    const version = `after-sidecar-restart-${Date.now()}`;
    const t0 = performance.now();
    await (await etcdOf(ctx.project)).put(KEY, configValue(version));
    await Promise.all(PODS.map((p) => servedWithin(e.app[p], version, t0, 15_000)));
  },
};

export const readinessWithoutEtcd: C = {
  weight: 'heavy',
  name: 'with etcd down a restarted sidecar is ready from the last file on disk; a sidecar with no file is not ready until etcd gives it a config',
  effect: 'destroys',
  async run(ctx) {
    const network = `${ctx.project.name}_default`;
    let fresh: string | undefined;
    try {
      await withEtcdDown(ctx, async () => {
        const id = await ctx.project.id('sync-hup');
        const pid0 = (await docker.state(await ctx.project.id('app-hup'))).pid;
        // app-hup's own address (endpoints() would ask for etcd's too, which is down here).
        const appHup = `http://${await ctx.project.port('pod-hup', 8080)}`;
        const view0 = await appView(appHup);
        const since = new Date(Date.now() - 500).toISOString();
        await $`docker restart -t 5 ${id}`.quiet();
        await healthy(id, 45_000);
        const lines = await logLines(id, since);
        expect.ok(
          lines.some((l) => l.msg === 'using the config file on disk until etcd answers'),
          'sync-hup uses the file on disk',
          'log "using the config file on disk until etcd answers"',
          lines.map((l) => l.msg),
        );
        // Left alone: the same process, never signalled (its own reload count), with the same config.
        const view1 = await appView(appHup);
        expect.equal(
          { pid: (await docker.state(await ctx.project.id('app-hup'))).pid, reloads: view1.reloads, version: view1.version },
          { pid: pid0, reloads: view0.reloads, version: view0.version },
          'app-hup untouched',
        );

        fresh = (
          await $`docker run --pull never -d --network ${network} -p 127.0.0.1::9902 --read-only --cap-drop ALL --tmpfs /config:uid=10001,gid=10001,mode=0755 ${IMAGE} --key ${KEY} --reload none --watch-retry-max 1s`.quiet()
        ).stdout.trim();
        const admin = `http://${(await $`docker port ${fresh} 9902/tcp`.quiet()).stdout.trim().split('\n')[0]}`;
        // Not ready *because etcd failed it*: wait for /readyz to give that reason, which it can only
        // give once it has tried etcd (the event), not for a fixed time.
        const { r, body } = await eventually(
          async () => {
            const res = await fetch(`${admin}/readyz`);
            const text = await res.text();
            // "etcd not reached yet" comes before its first try ends: on a loaded machine, for seconds.
            expect.match(text, TRIED, 'the fresh sidecar has tried etcd');
            return { r: res, body: text };
          },
          { within: 30_000, every: 200 },
        );
        note(`fresh sidecar with etcd down: /readyz ${r.status} ${body.trim()}`);
        expect.equal(r.status, 503, 'a fresh sidecar /readyz while etcd is down');
        expect.match(body, TRIED, 'why it is not ready');
        expect.ok(
          (await docker.state(fresh)).health !== 'healthy',
          'Docker does not call it healthy',
          'starting or unhealthy',
          (await docker.state(fresh)).health,
        );
      });
      const id = fresh!;
      const admin = `http://${(await $`docker port ${id} 9902/tcp`.quiet()).stdout.trim().split('\n')[0]}`;
      const t0 = Date.now();
      await eventually(
        async () => expect.equal((await fetch(`${admin}/readyz`)).status, 200, 'the fresh sidecar /readyz after etcd is back'),
        { within: 15_000, every: 200 },
      );
      note(`fresh sidecar ready ${Date.now() - t0} ms after etcd was healthy again`);
      expect.ok(
        ((await metricsOf(admin)).get('config_sync_applied_revision') ?? 0) > 0,
        'it applied the value in etcd',
        'config_sync_applied_revision > 0',
        (await metricsOf(admin)).get('config_sync_applied_revision'),
      );
    } finally {
      if (fresh) await $`docker rm -f ${fresh}`.quiet().nothrow();
    }
  },
};

export const badParameters: C = {
  name: 'a bad parameter (unknown reload method, malformed etcd URL or port, signal without a process, unknown CONFIG_SYNC_ variable) stops the sidecar at start with one line that names it',
  async run() {
    const base = ['--key', KEY];
    const cases: [string[], RegExp][] = [
      [
        [IMAGE, ...base, '--reload', 'bounce'],
        /^config-sync: invalid --reload \(CONFIG_SYNC_RELOAD\): "bounce" is not one of signal\|http\|restart\|none$/,
      ],
      [
        [IMAGE, ...base, '--reload', 'none', '--etcd-url', 'htp:/etcd:2379'],
        /^config-sync: invalid --etcd-url \(CONFIG_SYNC_ETCD_URL\): "htp:\/etcd:2379" is not a http\|https URL$/,
      ],
      [
        [IMAGE, ...base, '--reload', 'none', '--etcd-url', 'http://etcd:99999'],
        /^config-sync: invalid --etcd-url \(CONFIG_SYNC_ETCD_URL\): "http:\/\/etcd:99999" has port 99999, not a port \(1-65535\)$/,
      ],
      [
        [IMAGE, ...base, '--reload', 'signal'],
        /^config-sync: missing --process \(CONFIG_SYNC_PROCESS\): --reload signal needs the name of the app process$/,
      ],
      [
        ['-e', 'CONFIG_SYNC_DEBOUNCE=1s', IMAGE, ...base, '--reload', 'none'],
        /^config-sync: unknown environment variable: CONFIG_SYNC_DEBOUNCE /,
      ],
    ];
    const runs = await Promise.all(cases.map(([args]) => docker.runOnce(['--network', 'none', ...args])));
    for (const [i, [args, line]] of cases.entries()) {
      const lines = runs[i]!.stderr.trim().split('\n');
      expect.equal(
        { code: runs[i]!.code, lines: lines.length },
        { code: 2, lines: 1 },
        `exit code and stderr line count for ${args.join(' ')}`,
      );
      expect.match(lines[0]!, line, `the one stderr line for ${args.join(' ')}`);
    }
  },
};
