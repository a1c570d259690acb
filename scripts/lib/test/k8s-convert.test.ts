// The conversion rules on made-up compose models: roles in a pod, workload kinds, probes, the
// securityContext, and the warning for every key no mapping handles.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { convert } from '../k8s/convert.js';
import type { Dict } from '../compose-file/model.js';
import { validateObject } from '../k8s/validate.js';
import { made, spec } from './k8s-fixtures.js';

const test = suite('k8s conversion rules');

const hc = { test: ['CMD', 'true'], interval: '2s' };
const member = (extra: Dict = {}) => ({
  image: 'sidecar-lab/x:1',
  network_mode: 'service:pod',
  pid: 'service:pod',
  healthcheck: hc,
  restart: 'always',
  ...extra,
});
const pause = { image: 'sidecar-lab/pause:1', ports: ['127.0.0.1::8443'], restart: 'unless-stopped' };

test('the app waits for its sidecars healthy: they are native sidecars in depends_on order, after the job they wait for', () => {
  const c = convert(
    made({
      pod: pause,
      setup: { ...member({ restart: undefined, healthcheck: { disable: true } }) },
      b: member({ depends_on: { a: { condition: 'service_healthy' } } }),
      a: member({ depends_on: { setup: { condition: 'service_completed_successfully' } } }),
      app: member({ depends_on: { a: { condition: 'service_healthy' }, b: { condition: 'service_healthy' } } }),
    }),
  );
  const s = spec(c.objects);
  assert.equal(
    s.initContainers!.map((i) => [i.name, i.restartPolicy]),
    [
      ['setup', undefined],
      ['a', 'Always'],
      ['b', 'Always'],
    ],
  );
  assert.equal(
    s.containers.map((x) => x.name),
    ['app'],
  );
  assert.is(s.shareProcessNamespace, true);
  assert.not.ok(s.initContainers![0]!.startupProbe, 'a plain init container has no probe');
  assert.equal(c.warnings, []);
  assert.equal(c.objects.flatMap(validateObject), []);
  assert.equal(
    c.objects.map((o) => `${o.kind}/${o.metadata?.name}`),
    ['Service/pod', 'Deployment/pod'],
  );
});

test('a pod with two members nothing waits for is ambiguous: both are containers, and the pod service is warned', () => {
  const c = convert(made({ pod: pause, app: member(), shipper: member({ depends_on: { app: { condition: 'service_started' } } }) }));
  assert.equal(
    spec(c.objects).containers.map((x) => x.name),
    ['app', 'shipper'],
  );
  assert.equal(c.lines, [
    'warning: stacks/demo/compose.yaml services.pod: the pod has 2 members no other member waits for with service_healthy (app, shipper): cannot tell the app, all are containers',
  ]);
});

test('an app that runs once makes a Pod (restartPolicy Never, or OnFailure), and a pod without pause has its root as a member', () => {
  const once = convert(made({ job: { image: 'sidecar-lab/x:1', healthcheck: { disable: true } } }));
  assert.equal([once.objects[0]!.kind, spec(once.objects, 'job').restartPolicy], ['Pod', 'Never']);
  const retry = convert(made({ web: { image: 'sidecar-lab/x:1', restart: 'on-failure:3', healthcheck: hc, ports: ['8080'] } }));
  assert.equal([retry.objects.map((o) => o.kind), spec(retry.objects, 'web').restartPolicy], [['Service', 'Pod'], 'OnFailure']);
  assert.equal(
    retry.warnings.map((w) => w.key),
    ['services.web.restart'],
  );
  const rooted = convert(
    made({ web: { image: 'sidecar-lab/x:1', restart: 'always' }, helper: member({ network_mode: 'service:web', pid: undefined }) }),
  );
  assert.equal(
    spec(rooted.objects, 'web').containers.map((x) => x.name),
    ['web', 'helper'],
  );
});

test('a healthcheck maps to startup and readiness probes, plus liveness only for a service Compose restarts', () => {
  const health = {
    test: 'curl -f http://127.0.0.1/$(hostname)',
    interval: '1m30s',
    timeout: '1500ms',
    retries: 4,
    start_period: '20s',
    start_interval: '2s',
  };
  const c = convert(
    made({
      up: { image: 'sidecar-lab/x:1', restart: 'unless-stopped', healthcheck: health },
      once: { image: 'sidecar-lab/x:1', healthcheck: health },
    }),
  );
  const up = spec(c.objects, 'up').containers[0]!;
  const command = ['/bin/sh', '-c', 'curl -f http://127.0.0.1/$$(hostname)'];
  assert.equal(up.startupProbe, { exec: { command }, periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 10 + 4 });
  assert.equal(up.readinessProbe, { exec: { command }, periodSeconds: 90, timeoutSeconds: 2, failureThreshold: 4 });
  assert.equal(up.livenessProbe, up.readinessProbe);
  assert.not.ok(spec(c.objects, 'once').containers[0]!.livenessProbe);
  assert.ok(
    c.lines.includes(
      'warning: stacks/demo/compose.yaml services.up.healthcheck.timeout: 1.5s rounded up to 2s (Kubernetes counts whole seconds)',
    ),
  );
});

test('our sidecar’s own probe becomes an httpGet of its admin port: the default, the env’s port, the flag’s, /readyz for --ready', () => {
  const c = convert(
    made({
      plain: { image: 'sidecar-lab/tls-proxy:1', restart: 'always' },
      env: { image: 'sidecar-lab/tls-proxy:1', environment: { TLS_PROXY_ADMIN_PORT: '9911' } },
      flag: { image: 'sidecar-lab/tls-proxy:1', environment: { TLS_PROXY_ADMIN_PORT: '9911' }, command: ['--admin-port=9922'] },
      ready: { image: 'sidecar-lab/config-sync:1' },
    }),
  );
  const probeOf = (name: string) => spec(c.objects, name).containers[0]!;
  const plain = probeOf('plain');
  for (const p of [plain.startupProbe, plain.readinessProbe, plain.livenessProbe])
    assert.equal([p?.httpGet, p?.exec], [{ path: '/healthz', port: 9901 }, undefined]);
  assert.equal(plain.startupProbe?.failureThreshold, 12 + 3, 'the image HEALTHCHECK’s start period and retries still count');
  assert.equal(probeOf('env').readinessProbe?.httpGet, { path: '/healthz', port: 9911 });
  assert.equal(probeOf('flag').readinessProbe?.httpGet, { path: '/healthz', port: 9922 });
  assert.equal(probeOf('ready').readinessProbe?.httpGet, { path: '/readyz', port: 9902 });
});

test('an admin port the kubelet cannot reach, or cannot know before run time, keeps the exec probe', () => {
  const c = convert(
    made({
      loopback: { image: 'sidecar-lab/tls-proxy:1', environment: { TLS_PROXY_ADMIN_ADDRESS: '127.0.0.1' } },
      flag: { image: 'sidecar-lab/tls-proxy:1', command: ['--admin-address', '127.0.0.1'] },
      'per-run': { image: 'sidecar-lab/tls-proxy:1', environment: { TLS_PROXY_ADMIN_PORT: '${ADMIN}' } },
      other: { image: 'sidecar-lab/tls-proxy:1', healthcheck: { test: ['CMD', 'bun', '/opt/sidecar/health.mjs', '--verbose'] } },
    }),
  );
  for (const name of ['loopback', 'flag', 'per-run', 'other']) {
    const ctr = spec(c.objects, name).containers[0]!;
    assert.not.ok(ctr.readinessProbe?.httpGet, `${name}: no httpGet`);
    assert.equal(ctr.readinessProbe?.exec?.command?.slice(0, 2), ['bun', '/opt/sidecar/health.mjs'], `${name}: the exec probe`);
  }
});

test('read_only, cap_drop, cap_add, no-new-privileges and user map to the securityContext; what cannot map is warned', () => {
  const c = convert(
    made({
      svc: {
        image: 'sidecar-lab/x:1',
        restart: 'always',
        read_only: true,
        cap_drop: ['ALL'],
        cap_add: ['CAP_NET_BIND_SERVICE'],
        security_opt: ['no-new-privileges:true', 'seccomp:unconfined'],
        user: '10001:10002',
        cpus: 0.25,
        group_add: ['10005', 'wheel'],
      },
      named: { image: 'sidecar-lab/x:1', restart: 'always', user: 'nobody' },
    }),
  );
  const ctr = spec(c.objects, 'svc').containers[0]!;
  assert.equal(ctr.securityContext, {
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
    allowPrivilegeEscalation: false,
    runAsUser: 10001,
    runAsGroup: 10002,
  });
  assert.equal(ctr.resources, { limits: { cpu: '250m' } });
  assert.equal(spec(c.objects, 'svc').securityContext, { supplementalGroups: [10005] });
  assert.equal(
    c.warnings.map((w) => w.key),
    ['services.named.user', 'services.svc.group_add[1]', 'services.svc.security_opt[1]'],
  );
});

test('every key no mapping handles is warned by its compose path, and the pause service takes its own settings with it', () => {
  const c = convert(
    made(
      {
        pod: { ...pause, read_only: true, hostname: 'x' },
        app: member({
          stop_signal: 'SIGINT',
          init: true,
          healthcheck: { ...hc, foo: 1 },
          volumes: [{ type: 'volume', source: 'v', target: '/v', volume: { nocopy: true } }],
        }),
      },
      { volumes: { v: { driver: 'local' } }, secrets: { s: { file: './s' } } },
    ),
  );
  assert.equal(
    c.warnings.map((w) => `${w.key}: ${w.message}`),
    [
      'secrets: no Kubernetes equivalent, dropped',
      'services.app.healthcheck.foo: no Kubernetes equivalent, dropped',
      'services.app.init: no Kubernetes equivalent, dropped',
      'services.app.stop_signal: no Kubernetes equivalent, dropped',
      'services.app.volumes[0].volume: no Kubernetes equivalent, dropped',
      'services.pod.hostname: no Kubernetes equivalent, dropped',
      'volumes.v.driver: no Kubernetes equivalent, dropped',
    ],
  );
});

test.run();
