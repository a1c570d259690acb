// verify's checks of a pod's namespaces and lifecycle: shared namespaces (from the host's /proc), the
// sidecar healthy before the app starts (from the event timeline), and a sidecar crash that leaves the
// app's process alone.
import { $ } from 'zx';
import { CheckFailure, eventually, expect, note, Skipped, type Check } from '../check.js';
import { firstEvent as first, timeline } from '../events.js';
import { dependency, pairs, type VerifyContext } from './context.js';
import { inspectContainer, namespaceOf, startTicks } from './host.js';
import { namespaceAccess } from './probe.js';

const NS = { network_mode: 'net', pid: 'pid', ipc: 'ipc' } as const;

export const sharedNamespaces: Check<VerifyContext> = {
  name: 'the members of each pod share the namespaces the file declares (inodes read from /proc)',
  async run(ctx) {
    const wrong: string[] = [];
    const seen: string[] = [];
    for (const g of ctx.groups)
      for (const m of g.members)
        for (const [key, ns] of Object.entries(NS) as [keyof typeof NS, (typeof NS)[keyof typeof NS]][]) {
          const v = ctx.config.services[m]?.[key];
          if (typeof v !== 'string' || !v.startsWith('service:')) continue;
          const [a, b] = [await inspectContainer(await ctx.id(m)), await inspectContainer(await ctx.id(v.slice(8)))];
          if (!a.running) continue; // an init container that has done its work holds no namespace
          const denied = namespaceAccess(a.pid, a.id);
          if (denied) throw new Skipped(denied);
          const [mine, theirs] = [namespaceOf(a.pid, ns), namespaceOf(b.pid, ns)];
          seen.push(`${m} ${mine} = ${v.slice(8)} ${theirs}`);
          if (mine !== theirs) wrong.push(`${m} ${mine}, but ${v.slice(8)} ${theirs}`);
        }
    if (!seen.length) throw new Skipped('no member joins another’s namespaces: the file declares no pod');
    expect.equal(wrong, [], `the namespaces joined (${seen.length} joins)`);
    for (const s of seen) note(s);
  },
};

export const healthyFirst: Check<VerifyContext> = {
  name: 'each sidecar an app depends on is healthy before the app starts (engine event timeline)',
  needs: 'start',
  async run(ctx) {
    let checked = 0;
    for (const { app, sidecar } of pairs(ctx.groups)) {
      if (!dependency(ctx, app, sidecar)) {
        ctx.warn(
          `${app} does not depend on ${sidecar}: nothing makes it start after the sidecar is ready, or stop before it (add depends_on: { ${sidecar}: { condition: service_healthy } })`,
        );
        continue;
      }
      checked++;
      const s = await inspectContainer(await ctx.id(sidecar));
      if (!s.health)
        throw new CheckFailure(
          `${sidecar} has no health check: nothing tells ${app} when it is ready`,
          'a HEALTHCHECK in its image or a healthcheck: in the file',
          'none',
        );
      const evs = ctx.events();
      const healthy = first(evs, sidecar, /^health_status: healthy$/),
        start = first(evs, app, /^start$/);
      expect.ok(
        Boolean(healthy && start && healthy.time < start.time),
        `${sidecar} healthy before ${app} started${dependency(ctx, app, sidecar) === 'service_healthy' ? '' : ` (its depends_on condition is ${dependency(ctx, app, sidecar)}: use service_healthy)`}`,
        `${sidecar} "health_status: healthy" earlier than ${app} "start"`,
        timeline(evs, evs[0]?.time ?? 0),
      );
      note(`${sidecar} healthy ${Math.round(start!.time - healthy!.time)} ms before ${app} started`);
    }
    if (!checked) throw new Skipped('no app depends on one of its sidecars (see the warnings)');
  },
};

const processOf = async (ctx: VerifyContext, service: string) => {
  const c = await inspectContainer(await ctx.id(service));
  return { pid: c.pid, startedAt: c.startedAt, running: c.running, ticks: namespaceAccess(c.pid, c.id) ? 'unread' : startTicks(c.pid) };
};

export const sidecarCrash: Check<VerifyContext> = {
  name: 'SIGKILL to each sidecar leaves the app’s process untouched (same PID and start time), and the sidecar comes back healthy',
  effect: 'destroys',
  async run(ctx) {
    let killed = 0;
    for (const g of ctx.groups)
      for (const sidecar of g.sidecars.filter((s) => s !== g.owner)) {
        const id = await ctx.id(sidecar);
        const before = await inspectContainer(id);
        if (!before.running) throw new CheckFailure(`${sidecar} is not running`, 'running', before);
        // From outside, as a crash comes: `docker kill` would count as a manual stop, and no restart policy applies to that.
        const denied = namespaceAccess(before.pid, before.id);
        if (denied) throw new Skipped(`${denied}: a SIGKILL through the engine counts as a manual stop, not a crash`);
        const apps0 = await Promise.all(g.apps.map((a) => processOf(ctx, a)));
        process.kill(before.pid, 'SIGKILL');
        killed++;
        if (before.restartPolicy === 'no') {
          ctx.warn(`a crashed sidecar stays down: ${sidecar} has no restart policy (add restart: unless-stopped)`);
          await eventually(async () => expect.equal((await inspectContainer(id)).running, false, `${sidecar} is down`), { within: 10_000 });
          await $`docker start ${id}`.quiet();
        }
        const after = await eventually(
          async () => {
            const c = await inspectContainer(id);
            expect.ok(
              c.running && c.pid !== before.pid && (!before.health || c.health === 'healthy'),
              `${sidecar} back${before.health ? ' and healthy' : ''} after SIGKILL`,
              before.health ? 'running, healthy, a new PID' : 'running, a new PID',
              { running: c.running, health: c.health, pid: c.pid, restarts: c.restartCount },
            );
            return c;
          },
          { within: 60_000, every: 250 },
        );
        const apps1 = await Promise.all(g.apps.map((a) => processOf(ctx, a)));
        expect.equal(apps1, apps0, `${g.apps.join(', ')} after SIGKILL to ${sidecar} (PID, start time, running)`);
        note(`${sidecar}: PID ${before.pid} → ${after.pid}; ${g.apps.join(', ')} untouched`);
      }
    if (!killed) throw new Skipped('no sidecar runs beside the pod’s owner');
  },
};
