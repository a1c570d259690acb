// Check 3: the sidecar. It lives beside the app for the app's whole life, and restarts on its own.
import { eventually, expect, note, type Check } from '../../scripts/lib/check.js';
import * as chaos from '../../scripts/lib/chaos.js';
import * as docker from '../../scripts/lib/docker.js';
import type { StackContext } from '../../scripts/lib/lifecycle.js';
import { call, timing } from './support.js';

type C = Check<StackContext>;

export const sidecarRestartsAlone: C = {
  name: 'SIGKILL to the sidecar restarts the sidecar alone: the app keeps its PID and start time, the init container does not run again, and HTTPS works again once it is back',
  effect: 'destroys',
  async run(ctx) {
    const [sideId, appId, initId] = await Promise.all(['tls-proxy', 'app', 'init'].map((s) => ctx.project.id(s)));
    const [side0, app0, init0] = [await docker.state(sideId!), await docker.state(appId!), await timing(initId!)];
    const t0 = Date.now();
    await chaos.crashSidecar(sideId!);
    await eventually(
      async () => {
        const s = await docker.state(sideId!);
        expect.ok(
          s.restartCount > side0.restartCount && s.running,
          'the sidecar really died and was restarted by its restart policy',
          `restart count > ${side0.restartCount}, running`,
          s,
        );
      },
      // Bounds that only a hang reaches: how fast a sidecar comes back is not this lesson's claim.
      { within: 30_000 },
    );
    const r = await eventually(() => call(ctx, 'GET', '/'), { within: 30_000 });
    expect.equal(r.status, 200, `HTTPS after the sidecar crash (answered ${Date.now() - t0} ms after the kill)`);
    note(`HTTPS answered again ${Date.now() - t0} ms after the kill`);
    const [side1, app1, init1] = [await docker.state(sideId!), await docker.state(appId!), await timing(initId!)];
    expect.ok(side1.pid !== side0.pid, 'the sidecar runs as a new process', `a PID other than ${side0.pid}`, side1.pid);
    expect.equal(
      { pid: app1.pid, startedAt: app1.startedAt },
      { pid: app0.pid, startedAt: app0.startedAt },
      'the app’s PID and start time',
    );
    expect.equal(init1, init0, 'the init container’s state (it ran once, at pod start)');
  },
};
