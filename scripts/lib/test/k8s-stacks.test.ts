// npm run k8s on every stack that has a compose file, resolved by the YAML resolver (no Docker needed):
// what each stack must become, exactly, and the rules every conversion must keep.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Container, Service } from 'kubernetes-types/core/v1.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DIST, ROOT } from '../config.js';
import { loadSpec } from '../sidecar-docs.js';
import { convert } from '../k8s/convert.js';
import { fileName, imagesOf } from '../k8s/emit.js';
import { effectiveHealthcheck } from '../k8s/probes.js';
import { dockerComposeAvailable, resolveStack, stacksWithCompose } from '../k8s/resolve.js';
import { validateObject } from '../k8s/validate.js';
import { EXPECTED } from './k8s-expected.js';
import { podSpecOf } from './k8s-fixtures.js';

const test = suite('npm run k8s on every stack');
const ENV = { SIDECAR_LAB_VERSION: 'test' };
const stacks = stacksWithCompose();
const conversion = (stack: string) => convert(resolveStack(stack, { env: ENV, resolver: 'yaml' }));
const names = (cs: Container[] | undefined) => (cs ?? []).map((c) => c.name);

test('every stack folder with a compose file is converted, the patterns stack included when it is there', () => {
  assert.ok(stacks.length >= 4, `only ${stacks.length} stacks`);
  for (const s of ['https', 'config', 'paas', 'topz']) assert.ok(stacks.includes(s), s);
});

for (const stack of stacks) {
  test(`${stack}: every object validates against the 1.33 schema and the strict check`, () => {
    const { objects } = conversion(stack);
    assert.ok(objects.length > 0);
    assert.equal(objects.flatMap(validateObject), []);
  });

  test(`${stack}: the workloads, Services, pods and warnings are exactly the expected ones`, () => {
    const c = conversion(stack);
    const want = EXPECTED[stack];
    const pods = Object.fromEntries(
      c.objects.flatMap((o) => {
        const spec = podSpecOf(o);
        if (!spec) return [];
        const init = (spec.initContainers ?? []).map((i) => `${i.name}${i.restartPolicy === 'Always' ? ' (sidecar)' : ' (job)'}`);
        return [
          [`${o.kind}/${o.metadata?.name}`, { init, containers: names(spec.containers), sharePid: spec.shareProcessNamespace === true }],
        ];
      }),
    );
    const services = Object.fromEntries(
      c.objects.filter((o) => o.kind === 'Service').map((o) => [o.metadata!.name!, (o as Service).spec!.ports!.map((p) => p.port)]),
    );
    const data = c.objects.filter((o) => o.kind === 'ConfigMap' || o.kind === 'Secret').map((o) => `${o.kind}/${o.metadata?.name}`);
    const got = { pods, services, data, warnings: c.warnings.map((w) => `${w.key}: ${w.message}`) };
    assert.ok(
      want,
      `stacks/${stack} has no entry in scripts/lib/test/k8s-expected.ts; review this and add it:\n${JSON.stringify(got, null, 2)}`,
    );
    assert.equal(got, want);
  });

  test(`${stack}: every container keeps its service's hardening, user, probes and restart behaviour`, async () => {
    const r = resolveStack(stack, { env: ENV, resolver: 'yaml' });
    const { objects } = convert(r);
    for (const o of objects) {
      const spec = podSpecOf(o);
      for (const ctr of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) {
        const s = r.model.services[ctr.name]!;
        const sc = ctr.securityContext ?? {};
        const where = `${stack}: ${ctr.name}`;
        assert.is(sc.readOnlyRootFilesystem, s.read_only, `${where}: read_only`);
        assert.equal(sc.capabilities?.drop, s.cap_drop, `${where}: cap_drop`);
        assert.is(
          sc.allowPrivilegeEscalation,
          (s.security_opt as string[] | undefined)?.includes('no-new-privileges:true') ? false : undefined,
        );
        const [uid, gid] = (s.user ?? '').split(':').map(Number);
        assert.equal([sc.runAsUser, sc.runAsGroup], [uid || undefined, gid || undefined], `${where}: user`);
        assert.is(ctr.image, s.image, `${where}: image`);
        assert.ok(ctr.image?.startsWith('sidecar-lab/') && ctr.image.endsWith(':test'), `${where}: ${ctr.image}`);
        assert.is(ctr.imagePullPolicy, 'IfNotPresent');
        const job = (spec?.initContainers ?? []).includes(ctr) && ctr.restartPolicy !== 'Always';
        const h = effectiveHealthcheck(s);
        assert.is(Boolean(ctr.startupProbe && ctr.readinessProbe), Boolean(h) && !job, `${where}: startup and readiness probes`);
        assert.is(
          Boolean(ctr.livenessProbe),
          Boolean(h) && !job && /^(always|unless-stopped|on-failure)/.test(s.restart ?? ''),
          `${where}: liveness`,
        );
        if (h && !job) {
          assert.is(ctr.readinessProbe?.periodSeconds, Math.ceil(h.interval!), `${where}: interval`);
          assert.is(ctr.readinessProbe?.failureThreshold, h.retries ?? 3, `${where}: retries`);
          const sidecar = /^sidecar-lab\/([a-z-]+):/.exec(ctr.image ?? '')?.[1] ?? '';
          const ours = h.test!.slice(0, 3).join(' ') === 'CMD bun /opt/sidecar/health.mjs' && existsSync(join(ROOT, 'sidecars', sidecar));
          if (ours) {
            // Our sidecar's own probe: an httpGet of its admin port, as its parameter table and the env set it.
            const spec = await loadSpec(sidecar);
            const set = ctr.env?.find((e) => e.name === `${spec.prefix}_ADMIN_PORT`)?.value;
            const want = {
              path: h.test!.includes('--ready') ? '/readyz' : '/healthz',
              port: Number(set ?? spec.params.adminPort!.default),
            };
            for (const p of [ctr.startupProbe, ctr.readinessProbe, ctr.livenessProbe].filter(Boolean))
              assert.equal([p!.httpGet, p!.exec], [want, undefined], `${where}: httpGet probe`);
          } else
            assert.equal(ctr.readinessProbe?.exec?.command, h.test![0] === 'CMD-SHELL' ? ['/bin/sh', '-c', h.test![1]] : h.test!.slice(1));
        }
      }
    }
  });

  test(`${stack}: --out writes one file per object, named <kind>-<name>.yaml, and stdout is one document per object`, () => {
    const dir = mkdtempSync(join(tmpdir(), `k8s-${stack}-`));
    try {
      const cli = join(DIST, 'scripts', 'k8s.js');
      const run = (...args: string[]) =>
        execFileSync('node', [cli, stack, '--resolver', 'yaml', ...args], {
          encoding: 'utf8',
          stdio: 'pipe',
          env: { ...process.env, ...ENV },
        });
      run('--out', dir);
      const { objects } = conversion(stack);
      assert.equal(readdirSync(dir).sort(), objects.map(fileName).sort());
      const stream = run();
      assert.is(stream.split(/^---$/m).length, objects.length);
      assert.equal(run('--images').trim().split('\n'), imagesOf(objects));
      assert.ok(
        imagesOf(objects).every((i) => /^sidecar-lab\/[\w.-]+:test$/.test(i)),
        imagesOf(objects).join(),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('config with --profile baseline also converts pod-poll: the poller is its sidecar, probed by its own test', () => {
  const c = convert(resolveStack('config', { env: ENV, resolver: 'yaml', profiles: ['baseline'] }));
  const s = podSpecOf(c.objects.find((o) => o.kind === 'Deployment' && o.metadata?.name === 'pod-poll'));
  assert.equal([names(s?.initContainers), names(s?.containers)], [['poll'], ['app-poll']]);
  assert.equal(s?.initContainers?.[0]?.readinessProbe?.exec?.command, ['test', '-s', '/config/config.json']);
  assert.ok(c.objects.some((o) => o.kind === 'ConfigMap' && o.metadata?.name === 'poller'));
  assert.not.ok(c.warnings.some((w) => w.key.endsWith('.profiles')));
  assert.ok(c.warnings.some((w) => w.key === 'services.poll.depends_on.etcd'));
  assert.equal(c.objects.flatMap(validateObject), []);
});

if (dockerComposeAvailable()) {
  test('docker compose config and the YAML resolver give every stack the same objects and warnings', () => {
    for (const stack of stacks) {
      const viaDocker = convert(resolveStack(stack, { env: ENV, resolver: 'docker' }));
      const viaYaml = conversion(stack);
      assert.equal(viaYaml.objects, viaDocker.objects, stack);
      assert.equal(viaYaml.warnings, viaDocker.warnings, stack);
    }
  });
}

test.run();
