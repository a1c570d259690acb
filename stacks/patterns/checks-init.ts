// Checks 1-2: the init container. It runs to completion before the pod's other containers start, and
// when it fails nothing after it starts.
import { X509Certificate } from 'node:crypto';
import { $ } from 'zx';
import { expect, type Check } from '../../scripts/lib/check.js';
import { Project } from '../../scripts/lib/compose.js';
import type { DockerEvent } from '../../scripts/lib/docker.js';
import type { StackContext } from '../../scripts/lib/lifecycle.js';
import { call, containersOf, issuedCert, timing } from './support.js';

type C = Check<StackContext>;

const MEMBERS = ['tls-proxy', 'ambassador', 'adapter', 'app'];

const timeline = (evs: DockerEvent[], t0: number) =>
  evs
    .filter((e) => /^(start|die|health_status: healthy)$/.test(e.status))
    .map((e) => `+${Math.round(e.time - t0)} ms  ${e.service}  ${e.status}`)
    .join('\n');

export const initRunsFirst: C = {
  name: 'the init container issues the pod’s certificate and exits 0 before the sidecar, the ambassador, the adapter and the app start; HTTPS reaches the app, verified against that very certificate',
  needs: 'start',
  async run(ctx) {
    const [initId, ...memberIds] = await Promise.all(['init', ...MEMBERS].map((s) => ctx.project.id(s)));
    const init = await timing(initId!);
    expect.equal(
      { status: init.status, exitCode: init.exitCode },
      { status: 'exited', exitCode: 0 },
      'the init container ran to completion',
    );
    const starts: Record<string, boolean> = {};
    for (const [i, s] of MEMBERS.entries()) starts[s] = (await timing(memberIds[i]!)).startedAt > init.finishedAt;
    expect.equal(starts, Object.fromEntries(MEMBERS.map((s) => [s, true])), 'each member started after the init container finished');
    // The same order as docker events recorded it while the stack came up.
    const evs = ctx.events();
    const initDie = evs.find((e) => e.service === 'init' && e.status === 'die'),
      appStart = evs.find((e) => e.service === 'app' && e.status === 'start');
    expect.ok(
      Boolean(initDie && appStart && initDie.time < appStart.time),
      'docker events: init "die" before app "start"',
      'init die earlier than app start',
      timeline(evs, ctx.upAt),
    );
    const out = await $`docker logs ${initId}`.quiet();
    const logs = `${out.stdout}${out.stderr}`.trim();
    expect.equal(logs.split('\n').length, 1, `lines the init container printed: ${logs}`);
    expect.match(logs, /^cert-init: issued subject=CN ?= ?localhost serial=/, 'the init container’s one line');

    // The sidecar serves the certificate the init container wrote, and the client trusts only that one.
    const cert = new X509Certificate(await issuedCert(ctx));
    const r = await call(ctx, 'GET', '/');
    expect.equal(r.status, 200, 'HTTPS GET / through the sidecar');
    expect.match(r.body, /^legacy-notes: /, 'the legacy app answers');
    expect.equal(r.serial, cert.serialNumber.toUpperCase(), 'the serial the sidecar presents is the issued certificate’s');
  },
};

export const failedInitBlocksPod: C = {
  weight: 'heavy',
  name: 'an init container that fails (CERT_CURVE=no-such-curve) stops its pod there: up fails, and the sidecar, the ambassador, the adapter and the app are never started',
  effect: 'starts',
  async run(ctx) {
    const label = 'init-fails';
    const env = { CERT_CURVE: 'no-such-curve' };
    const err = await expect.rejects(
      () => ctx.sideProject('compose.yaml', label, { env }),
      'up of the same stack with a failing init container',
    );
    expect.match(err.message, /init.*(didn't|did not) complete successfully/, 'why up failed');
    const name = `${ctx.project.name}-${label}`;
    try {
      const [initId] = await containersOf(name, 'init');
      expect.ok(Boolean(initId), 'the init container was created and run', 'a container', initId);
      const init = await timing(initId!);
      expect.equal({ status: init.status, failed: init.exitCode !== 0 }, { status: 'exited', failed: true }, 'the failed init container');
      const logs = await $`docker logs ${initId}`.quiet();
      expect.equal(logs.stderr.trim().split('\n').length, 1, `lines the failed init container printed: ${logs.stderr}`);
      expect.match(logs.stderr, /^cert-init: openssl could not issue a certificate \(CERT_CURVE=no-such-curve/, 'its one line');
      // Compose created every member of the pod; none of them may ever have started.
      const seen: Record<string, string[]> = {};
      for (const s of MEMBERS) {
        seen[s] = [];
        for (const id of await containersOf(name, s)) {
          const t = await timing(id);
          seen[s]!.push(Number.isNaN(t.startedAt) ? t.status : `${t.status}, started`);
        }
      }
      expect.equal(seen, Object.fromEntries(MEMBERS.map((s) => [s, ['created']])), 'the state of each member’s container(s)');
    } finally {
      await new Project({ project: name, cwd: ctx.dir, files: ['compose.yaml'], env: { ...ctx.env, ...env } })
        .down()
        .catch(() => undefined);
    }
  },
};
