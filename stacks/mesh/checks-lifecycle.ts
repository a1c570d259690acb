// Checks 13-14: the sidecar is there before its app and after it (the app's calls during its own
// shutdown still go out), and a bad parameter stops the sidecar at start with one line that names it.
import { $ } from 'zx';
import { eventually, expect, type Check } from '../../scripts/lib/check.js';
import { VERSION } from '../../scripts/lib/config.js';
import * as docker from '../../scripts/lib/docker.js';
import type { StackContext } from '../../scripts/lib/lifecycle.js';
import { note } from './support.js';

type C = Check<StackContext>;

const first = (evs: docker.DockerEvent[], service: string, status: RegExp) =>
  evs.find((e) => e.service === service && status.test(e.status));

export const lifecycle: C = {
  name: 'lifecycle: the mesh sidecar is healthy before its app starts, and on stop the app’s calls during its own shutdown still succeed, as the sidecar drains after the app',
  effect: 'destroys',
  needs: 'start',
  async run(ctx) {
    const up = ctx.events();
    const healthy = first(up, 'frontend-mesh', /^health_status: healthy$/);
    const appStart = first(up, 'frontend-app', /^start$/);
    expect.ok(
      Boolean(healthy && appStart && healthy.time < appStart.time),
      'frontend-mesh healthy before frontend-app starts',
      'healthy, then start',
      { healthy, appStart },
    );

    const app = await ctx.project.id('frontend-app');
    const sidecar = await ctx.project.id('frontend-mesh');
    const t0 = Date.now();
    // As Compose stops a stack: the app first (it depends on the sidecar), then the sidecar.
    await ctx.project.stop(['frontend-app', 'frontend-mesh'], 15);
    const logs = (await $`docker logs ${app}`.quiet()).stdout.split('\n').filter((l) => l.includes('shutdown call'));
    const last = logs.length ? (JSON.parse(logs[logs.length - 1]!) as { status: number | null; error: string | null }) : undefined;
    const exit = (await $`docker inspect --format ${'{{.State.ExitCode}}'} ${sidecar}`.quiet()).stdout.trim();
    const died = await eventually(
      async () => {
        const d = ctx
          .events()
          .filter((e) => e.time >= t0 && e.status === 'die')
          .map((e) => e.service);
        expect.equal(d, ['frontend-app', 'frontend-mesh'], 'order in which the pod members exited');
        return d;
      },
      { within: 5000 },
    );
    note(
      `the app’s last call, made while it shut down: ${JSON.stringify(last)}; exit order ${died.join(', ')}; the sidecar exited ${exit}`,
    );
    expect.equal(last?.status, 200, 'the status of the call the app made during its shutdown');
    expect.equal(exit, '0', 'the sidecar drained and exited 0');
  },
};

export const badParameter: C = {
  name: 'a bad parameter stops the sidecar at start with one line that names it',
  async run() {
    const image = `sidecar-lab/mesh-proxy:${VERSION}`;
    const cases: [string[], RegExp][] = [
      [['-e', 'MESH_PROXY_SERVICE=frontend', '-e', 'MESH_PROXY_OUTBOUND=backend=70000'], /--outbound \(MESH_PROXY_OUTBOUND\)/],
      [['-e', 'MESH_PROXY_SERVICE=frontend', '-e', 'MESH_PROXY_RETRIES=ten'], /--retries \(MESH_PROXY_RETRIES\)/],
      [[], /--service or MESH_PROXY_SERVICE must be specified/],
      [['-e', 'MESH_PROXY_SERVICE=frontend', '-e', 'MESH_PROXY_ALLOW=spiffe://x/../y'], /--allow \(MESH_PROXY_ALLOW\)/],
      [['-e', 'MESH_PROXY_SERVICE=frontend', '-e', 'MESH_PROXY_RETRYS=3'], /MESH_PROXY_RETRYS/],
    ];
    for (const [env, names] of cases) {
      const r = await docker.runOnce(['--read-only', '--tmpfs', '/etc/mesh/identity', ...env, image]);
      const lines = r.stderr.trim().split('\n');
      const what = env.filter((x) => x !== '-e').join(' ') || 'no --service';
      expect.equal(r.code, 2, `exit code with ${what}`);
      expect.equal(lines.length, 1, `stderr lines with ${what} (${r.stderr.trim()})`);
      expect.match(lines[0]!, names, 'the error line names the parameter');
    }
    note(`${cases.length} bad inputs: each exit 2 with one line naming it`);
  },
};
